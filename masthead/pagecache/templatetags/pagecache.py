"""`{% fragment name part... %}...{% endfragment %}`: a rendered piece of a page, kept
until the next purge (see masthead.pagecache.fragments).

    {% fragment "article" page.pk page.latest_revision_id is_fragment %}
      ...
    {% endfragment %}

The parts name what else the piece depends on; the generation is added by itself. A
preview is never cached.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe

from masthead.pagecache import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        parts = "\x1f".join(str(part.resolve(context)) for part in self.parts)
        key = f"{self.name.resolve(context)}:{hashlib.md5(parts.encode(), usedforsecurity=False).hexdigest()}"
        return fragments.cached(key, lambda: mark_safe(self.nodelist.render(context)), request=request)  # noqa: S308


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% fragment %} needs a name: {% fragment "article" page.pk %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
