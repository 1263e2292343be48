"""Editors see purges that are waiting for a retry: a dashboard panel with the details,
and a warning on every admin page behind the sign-in (readers may see old pages until a
retry lands)."""

from django.templatetags.static import static
from django.utils.html import format_html, json_script
from wagtail import hooks
from wagtail.admin.ui.components import Component

from masthead.pagecache.pending import waiting_purges


class WaitingPurgesPanel(Component):
    name = "waiting_purges"
    template_name = "pagecache/waiting_purges_panel.html"
    order = 50  # above the other panels: it explains why readers may see an old page

    def __init__(self, waiting):
        self.waiting = waiting

    def get_context_data(self, parent_context):
        return {"waiting": self.waiting}


@hooks.register("construct_homepage_panels")
def show_waiting_purges(request, panels):
    if waiting := waiting_purges():
        panels.append(WaitingPurgesPanel(waiting))


def warning_text(waiting) -> str:
    since = min(group.since for group in waiting)
    what = "; ".join(
        f"{group.label.lower()}: {', '.join(group.examples) or 'all'}"
        + (f" and {group.count - len(group.examples)} more" if group.count > len(group.examples) else "")
        for group in waiting
    )
    latest = max(waiting, key=lambda group: group.last_failed_at)
    return (
        f"Cache purges are waiting since {since:%Y-%m-%d %H:%M} UTC ({what}). Readers may see old pages until "
        f"the worker's retry lands. Last error: {latest.last_error[:200]}"
    )


def waiting_purges_warning():
    """Data for pending-purges.js, which shows it as a Wagtail warning message (a script
    file and JSON: the admin's CSP allows no inline script). Put on every signed-in admin
    page by templates/wagtailadmin/base.html: a hook would put it on the sign-in page too."""
    waiting = waiting_purges()
    if not waiting:
        return ""
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(warning_text(waiting), "masthead-waiting-purges"),
        static("pagecache/pending-purges.js"),
    )
