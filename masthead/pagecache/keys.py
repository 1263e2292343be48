"""Cache keys: the names of what a page, a fragment or a worker's memory shows.

Every key Masthead uses is made here, one function per kind, so the page that names a
key and the change that purges it cannot spell it two ways. A view names the keys of
what it shows (`public.add_keys`); a change purges the keys of what it changed
(`purge.purge_keys`). docs/architecture.md has the table of which event purges which.
"""

from __future__ import annotations

# What every page and fragment shows: site settings, menus, ads, the Site. Purged only by
# purge_everything().
SITE = "site"
# The Latest stream, the home page's selection, the Staff Picks list.
LATEST = "list-latest"
HOME = "list-home"
STAFF_PICKS = "list-staffpicks"
# The sitemap of listing pages (sections, authors, tags): what an author's change adds.
SITEMAP_PAGES = "sitemap-pages"


def page(pk: int) -> str:
    """Every page that shows this page's title or card: the page itself, listings that
    hold it, the article whose "Continue reading" names it, a section's kicker."""
    return f"page-{pk}"


def article(pk: int) -> str:
    """The article's own page and its own fragments, nothing that merely lists it."""
    return f"article-{pk}"


def discussion(pk: int) -> str:
    """The article's page for what readers add to it (approved comments): the page is
    rendered again, its body fragment stays warm."""
    return f"discussion-{pk}"


def section_listing(pk: int) -> str:
    return f"list-section-{pk}"


def tag_listing(slug: str) -> str:
    return f"list-tag-{slug}"


def sitemap_month(year: int, month: int) -> str:
    """The sitemap of the articles published in a month (UTC)."""
    return f"sitemap-{year:04d}-{month:02d}"


def author_listing(pk: int) -> str:
    return f"list-author-{pk}"


def author(pk: int) -> str:
    """Pages that print the author's name or picture."""
    return f"author-{pk}"


def source(pk: int) -> str:
    """Pages that credit the syndication source."""
    return f"source-{pk}"


def tag(pk: int) -> str:
    """Pages that print the tag's name."""
    return f"tag-{pk}"


def path(address_path: str) -> str:
    """Every stored page at this path, with any query string (purge_paths)."""
    return f"path:{address_path}"
