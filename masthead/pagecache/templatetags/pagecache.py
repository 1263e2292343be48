"""`{% fragment name part... [keys=...] %}...{% endfragment %}`: a rendered piece of a
page, kept until one of the keys of what it shows is purged (masthead.pagecache.fragments).

    {% fragment "article" page.pk page.latest_revision_id is_fragment keys=page_keys %}
      ...
    {% endfragment %}

The parts name what else the piece depends on (a revision, a flag). `keys` names what it
shows besides the site (a set, a callable or a `PageKeys`); the chrome names none and is
retired only by a purge of everything. The page that shows the fragment is stored under
the fragment's keys too. A preview is never cached.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe

from masthead.pagecache import fragments
from masthead.pagecache.public import PageKeys, add_keys

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, keys):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.keys = keys

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        parts = "\x1f".join(str(part.resolve(context)) for part in self.parts)
        key = f"{self.name.resolve(context)}:{hashlib.md5(parts.encode(), usedforsecurity=False).hexdigest()}"
        keys = self.keys.resolve(context) if self.keys is not None else ()
        kept = fragments.cached_entry(
            key,
            lambda: mark_safe(self.nodelist.render(context)),  # noqa: S308
            keys=keys,
            request=request,
        )
        if isinstance(keys, PageKeys):
            keys.know(kept.keys)
        add_keys(request, kept.keys)
        return kept.value


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% fragment %} needs a name: {% fragment "article" page.pk %}')
    keys = None
    if bits[-1].startswith("keys="):
        keys = parser.compile_filter(bits.pop()[len("keys=") :])
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], keys
    )
