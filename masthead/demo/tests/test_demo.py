"""The demo newsroom shows every shape of the reference page and loads twice safely."""

import html5lib
import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Site

from masthead.demo import content
from masthead.demo.services import admin_ensure, demo_load
from masthead.news.models import ArticlePage, Author, SectionPage
from masthead.news.tests.factories import base_site

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo's original images go where every test reads media from (conftest's
    # `_media_in_tmp`, a per-test fixture this module-scoped one runs before): pages
    # render renditions the load did not make, and those read the originals.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media"):
        base_site.drop()  # the demo fills the empty site Wagtail installs
        demo_load()
        yield
        # Module-scoped data outlives the per-test transactions: remove it so other
        # modules start from an empty site.
        from django.contrib.auth import get_user_model
        from taggit.models import Tag
        from wagtail.models import Page

        from masthead.ads.models import AdCreative
        from masthead.analytics.models import SiteViewsDaily
        from masthead.core.models import NewsImage, SiteSettings
        from masthead.donations.models import Donation, DonationSettings
        from masthead.news.models import Source
        from masthead.newsletter.models import Edition, NewsletterList, Subscriber

        # Donations and editions keep their site (PROTECT): they go first.
        Donation.objects.all().delete()
        Edition.objects.all().delete()
        NewsletterList.objects.all().delete()
        Subscriber.objects.all().delete()
        DonationSettings.objects.all().delete()
        for page in Page.objects.filter(depth=2):
            page.delete()
        for model in (AdCreative, Author, Source, SiteSettings, NewsImage, Tag, SiteViewsDaily, get_user_model()):
            model.objects.all().delete()
        base_site.build()


def test_demo_fills_home_sections_and_about_thirty_articles(demo_site, client):
    assert Site.objects.get(is_default_site=True).root_page.specific_class.__name__ == "HomePage"
    assert SectionPage.objects.live().count() == len(content.SECTIONS)
    assert ArticlePage.objects.live().count() >= 30
    assert Author.objects.count() >= 5
    assert ArticlePage.objects.filter(is_staff_pick=True).count() >= 3
    response = client.get("/")
    assert response.status_code == 200
    # The home page's Staff Picks box lists the editors' picks and nothing else (the menu
    # also names "Staff Picks", so the words alone prove nothing).
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    rail = tree.find(".//section[@aria-labelledby='staff-picks-heading']")
    assert rail is not None
    listed = [link.get("href") for link in rail.findall(".//li/a")]
    picks = {article.url for article in ArticlePage.objects.live().filter(is_staff_pick=True)}
    assert len(listed) >= 3
    assert set(listed) <= picks


def test_demo_has_a_sent_digest_with_its_deliveries_and_a_draft_to_try(demo_site):
    from masthead.newsletter.models import Edition, EditionState

    digest = Edition.objects.get(newsletter_list__slug="morning-briefing", kind=Edition.Kind.DIGEST)
    assert digest.state in (EditionState.SENDING, EditionState.SENT)  # its mails go when the worker runs
    assert digest.deliveries.count() >= 1 and digest.edition_articles.count() >= 1
    assert digest.rendered_html
    draft = Edition.objects.get(newsletter_list__slug="week-in-review")
    assert draft.state == EditionState.DRAFT and draft.edition_articles.count() >= 1


def test_demo_offers_each_newsletter_list_once(demo_site):
    """The reader side and the editions both make the demo's lists: one list each."""
    from masthead.newsletter.models import NewsletterList

    names = list(NewsletterList.objects.values_list("name", flat=True))
    assert len(names) == len(set(names)) == 3, names


def test_demo_has_every_credit_shape(demo_site, client):
    via = ArticlePage.objects.filter(source__isnull=False, original_author="").first()
    authored = ArticlePage.objects.exclude(original_author="").filter(source__isnull=False).first()
    assert f'Via <a href="{via.source.url}"' in client.get(via.url).content.decode()
    body = client.get(authored.url).content.decode()
    assert f'Authored by <a href="{authored.original_url}"' in body
    assert f'via <a href="{authored.source.url}"' in body


def test_demo_long_read_has_quote_emphasis_links_and_embed_piece(demo_site, client):
    long_read = ArticlePage.objects.order_by("-word_count").first()
    assert long_read.word_count >= 1200
    body = client.get(long_read.url).content.decode()
    assert "<blockquote" in body and "<b>" in body and "<i>" in body
    assert body.count('href="https://example.org') >= 3
    video = [a for a in ArticlePage.objects.live() if any(b.block_type == "embed" for b in a.body)]
    assert video


def test_every_demo_article_renders(demo_site, client):
    for article in ArticlePage.objects.live():
        assert client.get(article.url).status_code == 200, article.url


def test_loading_twice_adds_nothing(demo_site):
    from masthead.comments.models import Comment

    comments = Comment.objects.count()
    result = demo_load()
    assert result["articles_added"] == 0
    assert result["comments_added"] == 0
    assert Comment.objects.count() == comments


def test_demo_has_two_months_of_readers_so_trending_most_read_and_the_dashboard_have_shape(demo_site, client):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from masthead.analytics.models import PageViewsHourly, PageViewTotal, SiteViewsDaily
    from masthead.analytics.trending import reader_lists_build

    lists = reader_lists_build()
    assert len(lists["trending"]) == 5 and len(lists["day"]) == 5 and len(lists["month"]) == 5
    today = timezone.now().date()
    last_month = set(SiteViewsDaily.objects.filter(day__gt=today - timedelta(days=30)).values_list("day", flat=True))
    assert len(last_month) == 30  # readers every day: the month's chart has no gaps
    assert SiteViewsDaily.objects.earliest("day").day <= today - timedelta(days=40)
    assert PageViewsHourly.objects.exists()
    # Every article has readers, but one published an hour before dawn may have none yet.
    assert PageViewTotal.objects.count() >= ArticlePage.objects.live().count() - 2
    client.force_login(get_user_model().objects.create_superuser("demo-reader", "r@example.org", "pw-for-tests-only"))
    assert b'class="pygal-chart"' in client.get("/admin/audience/?period=month").content


def test_loading_twice_adds_no_reader_history(demo_site):
    from masthead.analytics.models import PageViewTotal

    assert demo_load()["articles_added"] == 0
    totals = dict(PageViewTotal.objects.values_list("page_id", "views"))
    demo_load()
    assert dict(PageViewTotal.objects.values_list("page_id", "views")) == totals


def test_demo_has_lively_threads_a_newcomer_sees_at_once(demo_site, client):
    """Several articles open with 3 to 15 comments each under them, threaded, liked, one
    of them answered by the newsroom with the badge; one comment waits for a moderator."""
    from masthead.comments.models import Comment, Discussion

    discussions = Discussion.objects.filter(approved_count__gt=0)
    assert discussions.count() >= 3
    assert all(3 <= discussion.approved_count <= 15 for discussion in discussions)
    pending = Comment.objects.filter(status=Comment.Status.PENDING)
    assert pending.count() == 1
    assert Comment.objects.filter(depth__gte=2, status=Comment.Status.APPROVED).exists()
    assert Comment.objects.filter(like_count__gt=0).count() >= 10
    staff = Comment.objects.filter(is_staff_reply=True, status=Comment.Status.APPROVED)
    assert staff.count() >= 2 and all(comment.parent_id for comment in staff)

    for discussion in discussions:
        article = ArticlePage.objects.get(pk=discussion.page_id)
        body = client.get(article.url).content.decode()
        assert f'data-comment-count="{article.pk}">{discussion.approved_count}<' in body
        tree = html5lib.parse(body, namespaceHTMLElements=False)
        shown = tree.findall(".//li[@data-comment]")
        assert len(shown) == discussion.approved_count
        assert tree.findall(".//ol[@class='comments comments--replies']"), "no threaded replies"
    lead = ArticlePage.objects.get(slug=content.FRONT_PAGE["lead"])
    lead_page = client.get(lead.url).content.decode()
    assert '<span class="badge">Staff</span>' in lead_page
    assert pending.get().body not in lead_page
    assert pending.get().page_id == lead.pk


def test_admin_password_is_made_once_and_never_changed(db):
    password = admin_ensure()
    assert password and len(password) >= 12
    assert admin_ensure() is None
    assert admin_ensure(password="other") is None
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="admin").check_password(password)


def test_demo_command_prints_the_generated_password_once(demo_site, capsys, settings):
    call_command("demo")
    first = capsys.readouterr().out
    call_command("demo")
    second = capsys.readouterr().out
    assert "password:" in first
    assert "password:" not in second and "log in at" in second.lower()


def test_demo_front_page_shows_the_editors_lead_and_top_stories(demo_site, client):
    from masthead.news.models import HomePage

    home = HomePage.objects.get()
    lead = ArticlePage.objects.get(slug=content.FRONT_PAGE["lead"])
    top = ArticlePage.objects.filter(slug__in=content.FRONT_PAGE["top_stories"])
    body = client.get("/").content.decode()

    assert home.lead_story_id == lead.pk
    assert len(home.chosen_top_story_ids()) == len(content.FRONT_PAGE["top_stories"]) == top.count()
    lead_at = body.index(f'href="{lead.url}"')
    assert all(lead_at < body.index(f'href="{article.url}"') < body.index("staff-picks-heading") for article in top)


def test_demo_has_a_campaign_with_donors_and_articles_ask_for_donations(demo_site, client):
    from masthead.donations.models import Donation

    assert Donation.objects.filter(state="completed").count() == len(content.DONORS)
    progress = client.get("/donations/progress/").content.decode()
    assert " of €5,000 this month" in progress
    article = ArticlePage.objects.live().first()
    assert b'<a href="/donate/" rel="noopener">Liked it? Take a second to support' in client.get(article.url).content


def test_loading_twice_adds_no_donations(demo_site):
    from masthead.donations.models import Donation

    before = Donation.objects.count()
    demo_load()
    assert Donation.objects.count() == before
