from django import template

from masthead.pagecache.wagtail_hooks import waiting_purges_warning as render_warning

register = template.Library()


@register.simple_tag
def waiting_purges_warning():
    return render_warning()
