"""The simple pages a newsroom keeps beside its news, for `masthead generate`: About us
with its policies under it (two levels, as the pages sitemap and the links up to a
parent see them on a real site), Contact, Advertise, Jobs and the legal pages.

A few dozen at most on any real site, so they are added one by one through Wagtail
(revisions, the search index, the page cache's purges), not in bulk; a second run adds
only what is missing."""

from __future__ import annotations

import json
import random

from masthead.news.models import HomePage, SimplePage

# (slug, title, children's (slug, title))
PAGES = (
    (
        "about",
        "About us",
        (
            ("ethics", "Ethics policy"),
            ("corrections", "Corrections policy"),
            ("ownership", "Ownership and funding"),
            ("diversity", "Diversity report"),
            ("sourcing", "How we use anonymous sources"),
            ("ai", "How we use automated tools"),
        ),
    ),
    ("contact", "Contact us", (("tips", "Send us a tip securely"), ("letters", "Letters to the editor"))),
    ("advertise", "Advertise with us", (("rates", "Rates and formats"),)),
    ("jobs", "Jobs", ()),
    ("terms", "Terms of use", ()),
    ("accessibility", "Accessibility statement", ()),
)

SENTENCES = (
    "Our newsroom answers to its readers, not to its advertisers or owners.",
    "Reporters verify every claim with at least two sources before it is published.",
    "When we get something wrong, we say so at the top of the article and date the change.",
    "Questions about this policy go to the standards editor, who replies within two working days.",
    "This page is reviewed every year by the editor-in-chief and the newsroom's staff council.",
    "Readers can reach any desk by email; the addresses are listed on our contact page.",
)


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(5):
        paragraphs.append({"type": "paragraph", "value": "<p>" + " ".join(rng.sample(SENTENCES, k=4)) + "</p>"})
    return json.dumps(paragraphs)


def _child(parent, slug: str, title: str, rng: random.Random) -> tuple[SimplePage, bool]:
    page = SimplePage.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = SimplePage(title=title, slug=slug, standfirst=f"{title}: how the newsroom works.", body=_body(rng))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def generate_simple_pages(size, *, seed: int = 2026, progress=print) -> int:
    """The newsroom's simple pages under the home page; how many were added."""
    rng = random.Random(seed)
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("Run `masthead demo` first: the simple pages go under its home page.")
    made = 0
    for slug, title, children in PAGES:
        page, added = _child(home, slug, title, rng)
        made += added
        for child_slug, child_title in children:
            made += _child(page, child_slug, child_title, rng)[1]
    return made
