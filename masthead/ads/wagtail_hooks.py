from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from masthead.ads.models import AdCreative, AdSlot


class AdCreativeViewSet(SnippetViewSet):
    model = AdCreative
    icon = "image"
    menu_label = "Creatives"
    list_display = ["name", "slot", "starts_at", "ends_at", "priority", "is_active"]
    list_filter = ["slot", "is_active"]


class AdSlotViewSet(SnippetViewSet):
    model = AdSlot
    icon = "placeholder"
    menu_label = "Slots"
    list_display = ["placement", "size", "enabled"]


class AdsGroup(SnippetViewSetGroup):
    items = (AdCreativeViewSet, AdSlotViewSet)
    menu_icon = "image"
    menu_label = "Ads"
    menu_name = "ads"


register_snippet(AdsGroup)
