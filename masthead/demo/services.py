"""Load the demo newsroom. Every step looks before it writes, so running twice is safe."""

from __future__ import annotations

import io
import json
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from masthead.ads.models import AdCreative, AdSlot
from masthead.core.models import MenuItem, NewsImage, SiteSettings, SocialLink
from masthead.core.signal_handlers import site_address_from_site_url
from masthead.demo import content
from masthead.demo.generate_audience import generate_audience
from masthead.demo.illustrations import illustration
from masthead.demo.newsletter import newsletter_demo
from masthead.donations.models import Donation, DonationSettings, DonationState
from masthead.news.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    AuthorLink,
    HomePage,
    SectionPage,
    SimplePage,
    Source,
)

ADMIN_USERNAME = "admin"


def admin_ensure(*, password: str = "") -> str | None:
    """Create the admin account once. Returns the generated password, or None if none was made.

    An existing account is never touched, so a password printed once stays valid.
    """
    User = get_user_model()
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return None
    generated = not password
    password = password or secrets.token_urlsafe(12)
    User.objects.create_superuser(ADMIN_USERNAME, email="admin@localhost", password=password)
    return password if generated else None


def _image(title: str, *, hue: int, caption: str = "", credit: str = "") -> NewsImage:
    existing = NewsImage.objects.filter(title=title).first()
    if existing:
        return existing
    data = illustration(hue=hue, seed=title)
    image = NewsImage(title=title, default_caption=caption, credit=credit)
    image.file = ImageFile(io.BytesIO(data), name=f"{_file_stem(title)}.jpg")
    image.save()
    return image


def _file_stem(title: str) -> str:
    return slugify(title)[:60] or "image"


def _home_page() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    # Wagtail's install leaves a plain "Welcome" page where the home page goes.
    for child in root.get_children():
        if child.specific_class is Page and not child.get_children().exists():
            child.delete()
    home = HomePage(title=content.SITE["site_name"], slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    hostname, port = site_address_from_site_url()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port = hostname, port
    site.root_page = home
    site.site_name = content.SITE["site_name"]
    site.save()
    return home


def _about_page(home: HomePage) -> SimplePage:
    spec = content.ABOUT_PAGE
    page = SimplePage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if page is None:
        page = SimplePage(
            title=spec["title"],
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            body=_body_json(spec["body"], slug=spec["slug"]),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


def _site_settings(home: HomePage, sections: dict[str, SectionPage], about: SimplePage) -> None:
    site = Site.objects.get(root_page=home)
    settings, created = SiteSettings.objects.get_or_create(site=site)
    if not created and settings.menu_items.exists():
        return
    settings.site_name = content.SITE["site_name"]
    settings.tagline = content.SITE["tagline"]
    settings.footer_text = content.SITE["footer_text"]
    settings.youtube_channel_url = "https://www.youtube.com/@meridianledger"
    settings.youtube_box_text = content.SITE["youtube_box_text"]
    settings.supporter_cta_url = content.SITE["donate_url"]
    settings.supporter_cta_text = content.SITE["donate_cta_text"]
    settings.save()
    menu = [("Latest", None, "/latest/")]
    menu += [(section.title, section, "") for section in sections.values()]
    menu.insert(2, ("Staff Picks", None, "/staff-picks/"))
    menu.append(("About", about, ""))
    for order, (label, page, url) in enumerate(menu):
        MenuItem.objects.create(settings=settings, sort_order=order, label=label, link_page=page, link_url=url)
    for order, (platform, url) in enumerate(
        [
            ("x", "https://x.com/meridianledger"),
            ("facebook", "https://www.facebook.com/meridianledger"),
            ("youtube", "https://www.youtube.com/@meridianledger"),
            ("telegram", "https://t.me/meridianledger"),
            ("rss", django_settings.SITE_URL.rstrip("/") + "/feed/"),
        ]
    ):
        SocialLink.objects.create(settings=settings, sort_order=order, platform=platform, url=url)


def _sections(home: HomePage) -> dict[str, SectionPage]:
    sections = {}
    for spec in content.SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if section is None:
            section = SectionPage(title=spec["title"], slug=spec["slug"], description=spec["description"])
            home.add_child(instance=section)
            section.save_revision().publish()
        sections[spec["slug"]] = section
    return sections


def _authors() -> dict[str, Author]:
    authors = {}
    for index, spec in enumerate(content.AUTHORS):
        author = Author.objects.filter(slug=spec["slug"]).first()
        if author is None:
            photo = _image(f"Portrait of {spec['name']}", hue=(index * 47) % 360, credit="Meridian Ledger")
            author = Author.objects.create(
                slug=spec["slug"], name=spec["name"], role=spec["role"], bio=spec["bio"], photo=photo
            )
            for order, (platform, url) in enumerate(spec.get("links", [])):
                AuthorLink.objects.create(author=author, sort_order=order, platform=platform, url=url)
        authors[spec["slug"]] = author
    return authors


def _sources() -> dict[str, Source]:
    return {
        spec["name"]: Source.objects.get_or_create(
            name=spec["name"], defaults={"url": spec["url"], "canonical_to_original": spec["canonical_to_original"]}
        )[0]
        for spec in content.SOURCES
    }


def _body_json(blocks, *, slug: str) -> str:
    stream = []
    for number, block in enumerate(blocks):
        kind = block[0]
        if kind == "paragraph":
            stream.append({"type": "paragraph", "value": block[1]})
        elif kind == "heading":
            stream.append({"type": "heading", "value": {"text": block[1], "level": "h2"}})
        elif kind == "blockquote":
            stream.append(
                {"type": "blockquote", "value": {"quote": block[1], "attribution": block[2], "source_url": ""}}
            )
        elif kind == "pull_quote":
            stream.append({"type": "pull_quote", "value": {"quote": block[1], "attribution": block[2]}})
        elif kind == "editors_note":
            stream.append({"type": "editors_note", "value": {"text": block[1]}})
        elif kind == "preformatted":
            stream.append({"type": "preformatted", "value": block[1]})
        elif kind == "embed":
            stream.append({"type": "embed", "value": {"url": block[1], "caption": block[2]}})
        elif kind == "image":
            picture = _image(f"{slug} illustration {number}", hue=block[3], caption=block[1], credit=block[2])
            stream.append(
                {"type": "image", "value": {"image": picture.pk, "caption": "", "credit": "", "alt_text": block[1]}}
            )
    return json.dumps(stream)


def _article(spec: dict, *, sections, authors, sources, now) -> ArticlePage:
    section = sections[spec["section"]]
    existing = ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).first()
    if existing:
        return existing
    image = _image(
        f"{spec['title']}", hue=spec["image_hue"], caption=spec["image_caption"], credit=spec["image_credit"]
    )
    published_at = now - timedelta(hours=spec["hours_ago"])
    article = ArticlePage(
        title=spec["title"],
        slug=spec["slug"],
        standfirst=spec["standfirst"],
        featured_image=image,
        body=_body_json(spec["body"], slug=spec["slug"]),
        published_at=published_at,
        is_staff_pick=spec.get("staff_pick", False),
        staff_pick_order=spec.get("staff_pick_order"),
        source=sources.get(spec.get("source")) if spec.get("source") else None,
        original_author=spec.get("original_author", ""),
        original_url=spec.get("original_url", ""),
        first_published_at=published_at,
    )
    if spec.get("updated_hours_ago") is not None:
        article.is_updated = True
        article.updated_at = now - timedelta(hours=spec["updated_hours_ago"])
        article.update_note = spec.get("update_note", "")
    for order, slug in enumerate(spec.get("authors", [])):
        article.article_authors.add(ArticleAuthor(author=authors[slug], sort_order=order))
    article.secondary_sections.set([sections[slug] for slug in spec.get("secondary_sections", [])])
    article.tags.set(spec.get("tags", []))
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def _house_ads() -> None:
    """Text creatives, so their small print is real text at a readable size on any screen."""
    if AdCreative.objects.exists():
        return
    slots = {slot.placement: slot for slot in AdSlot.objects.all()}
    for spec in content.HOUSE_ADS:
        creative = AdCreative.objects.create(
            name=f"House ad — {spec['headline']}",
            slot=slots[spec["placement"]],
            link_url=content.SITE["supporter_cta_url"],
            html="",
        )
        pitch = f"<span>{spec['pitch']}</span>" if spec["pitch"] else ""
        # Through the click address, as image ads go, so the click is counted.
        creative.html = (
            f'<a href="{reverse("ads:click", args=[creative.pk])}"><strong>{spec["headline"]}</strong>'
            f"{pitch}<small>{spec['small_print']}</small></a>"
        )
        creative.save()


def _donations(home: HomePage, now) -> int:
    """A campaign goal and donors who gave towards it, spread over the last months; on
    a site that has donations, nothing is added. Receipts count as sent: no mail goes out."""
    site = Site.objects.get(root_page=home)
    settings, _ = DonationSettings.objects.get_or_create(site=site)
    if Donation.objects.exists():
        return 0
    for name, value in content.DONATION_CAMPAIGN.items():
        setattr(settings, name, Decimal(value) if name == "goal_amount" else value)
    settings.save()
    donations = []
    month_began = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for number, (name, amount, currency, days_ago, message) in enumerate(content.DONORS, start=1):
        at = now - timedelta(days=days_ago, hours=number)
        if days_ago < 30:
            # The recent ones fall in this month whatever day the demo is loaded on, so the
            # campaign's bar has something to show.
            at = max(at, month_began + (now - month_began) * (len(content.DONORS) - number) / len(content.DONORS))
        donations.append(
            Donation(
                site=site,
                amount=Decimal(amount),
                currency=currency,
                name=name,
                anonymous=not name,
                message=message,
                email=f"donor{number}@example.org",
                provider_order_id=f"DEMO-ORDER-{number}",
                capture_id=f"DEMO-CAPTURE-{number}",
                state=DonationState.COMPLETED,
                created_at=at,
                approved_at=at,
                completed_at=at,
                receipt_sent_at=at,
            )
        )
    Donation.objects.bulk_create(donations)
    return len(donations)


def _front_page(home: HomePage) -> None:
    """The editor's lead and top stories, chosen once: an editor's later choice stays."""
    if home.lead_story_id or home.chosen_top_story_ids():
        return
    by_slug = {
        a.slug: a
        for a in ArticlePage.objects.filter(slug__in=[content.FRONT_PAGE["lead"], *content.FRONT_PAGE["top_stories"]])
    }
    home.lead_story = by_slug[content.FRONT_PAGE["lead"]]
    home.top_stories = [("story", by_slug[slug]) for slug in content.FRONT_PAGE["top_stories"]]
    home.save_revision().publish()


def _discussions(now) -> int:
    """A few lively threads, posted through the comment services as readers would, back in
    time after each article. An article that already has comments is left as it is."""
    import copy

    from masthead.comments import services as comments
    from masthead.comments.models import Comment, CommentSettings, ModerationPolicy

    site_settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    published_at_once = copy.copy(site_settings)
    published_at_once.moderation = ModerationPolicy.NOBODY
    held = copy.copy(site_settings)
    held.moderation = ModerationPolicy.EVERYONE
    added = 0
    for spec in content.DISCUSSIONS:
        article = ArticlePage.objects.filter(slug=spec["article"]).first()
        if article is None or Comment.objects.filter(page=article).exists():
            continue
        posted = {}
        for key, parent, name, email, minutes, body, likes, *flags in spec["comments"]:
            comment = comments.comment_create(
                page=article,
                author=comments.Author(name=name, email=email, is_staff="staff" in flags),
                body=body,
                settings=held if "pending" in flags else published_at_once,
                parent_id=posted[parent].pk if parent else None,
                now=min(article.first_published_at + timedelta(minutes=minutes), now),
            )
            posted[key] = comment
            for reader in range(likes):
                comments.comment_like(comment=comment, reader_key=f"demo-reader-{reader}")
            added += 1
    return added


def _warm_renditions() -> None:
    """Resize the demo's images now, so the first visit to each page is as fast as the rest."""
    from masthead.news.selectors import CARD_RENDITIONS, LEAD_RENDITIONS

    for image in NewsImage.objects.all():
        if image.title.startswith("Portrait of"):
            image.get_renditions("fill-160x160-c100")
        elif " illustration " in image.title:
            image.get_renditions("width-1200|format-webp", "width-640|format-webp")  # core/blocks/figure.html
        else:
            image.get_renditions(*LEAD_RENDITIONS, *CARD_RENDITIONS)


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Fill an empty site with the demo newsroom; on a filled site, add only what is missing."""
    now = timezone.now()
    home = _home_page()
    sections = _sections(home)
    _site_settings(home, sections, _about_page(home))
    authors = _authors()
    sources = _sources()
    before = ArticlePage.objects.count()
    for spec in reversed(content.ARTICLES):
        _article(spec, sections=sections, authors=authors, sources=sources, now=now)
    _front_page(home)
    _house_ads()
    _donations(home, now)
    newsletter_demo(Site.objects.get(root_page=home), now)
    from masthead.demo.newsletter_editions import demo_editions

    demo_editions(Site.objects.get(root_page=home), now)
    comments_added = _discussions(now)
    # Two months of readers, so Trending, Most read and the dashboard have shape at once;
    # with thirty articles, half keep a few readers a day so the site's chart has no gaps.
    generate_audience(hourly_days=14, daily_days=60, evergreen_share=0.5, progress=lambda line: None)
    _warm_renditions()
    return {
        "articles_added": ArticlePage.objects.count() - before,
        "articles": ArticlePage.objects.count(),
        "comments_added": comments_added,
    }
