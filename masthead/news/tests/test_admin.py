"""The newsroom in the admin, through Wagtail's own views as editors use them: who may
upload, write, submit and publish, what the article editor calls its fields, and that
an article goes out with a byline."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import Collection
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from masthead.core.models import NewsImage, SiteSettings
from masthead.news.models import ArticlePage, SectionPage
from masthead.news.tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db

BYLINE_REQUIRED = "An article needs a byline before it goes out"


def member_of(group_name: str):
    user = get_user_model().objects.create_user(
        f"{group_name.lower()}-member", email=f"{group_name.lower()}@example.org", password="pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def author_client(client, site_tree):
    client.force_login(member_of("Authors"))
    return client


@pytest.fixture
def editor_client(client, site_tree):
    client.force_login(member_of("Editors"))
    return client


def jpeg_upload(name: str = "harbour.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (30, 80, 120)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def article_form(title: str, *, authors=(), article=None, action: str | None = None, **fields) -> dict:
    """The article editor's form as the browser posts it: a new article with `authors`,
    or `article` as saved; `action` is the button pressed (none: "Save draft")."""
    if article is not None:
        rows = [{"id": link.pk, "author": link.author_id} for link in article.article_authors.all()]
        byline = inline_formset(rows, initial=len(rows))
        fields.setdefault("slug", article.slug)
    else:
        byline = inline_formset([{"author": author.pk} for author in authors])
    data = nested_form_data(
        {
            "title": title,
            "slug": fields.pop("slug", title.lower().replace(" ", "-")),
            "standfirst": "What happened, in one sentence.",
            "article_authors": byline,
            "body": streamfield([]),
            "comments": inline_formset([]),
            "tags": "",
            **fields,
        }
    )
    if action:
        data[f"action-{action}"] = action
    return data


def add_article_url(section) -> str:
    return reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])


def edit_article_url(article) -> str:
    return reverse("wagtailadmin_pages:edit", args=[article.pk])


# Rights of each group


@pytest.mark.parametrize("client_fixture", ["author_client", "editor_client"])
def test_authors_and_editors_upload_images_through_the_admin(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert client.get(reverse("wagtailimages:add")).status_code == 200
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Harbour at dawn",
            "file": jpeg_upload(),
            "collection": Collection.get_first_root_node().pk,
            "credit": "Photo: Jane Doe",
            "tags": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    image = NewsImage.objects.get(title="Harbour at dawn")
    assert image.credit == "Photo: Jane Doe"
    assert image.uploaded_by_user.groups.filter(name=client_fixture.removesuffix("_client").title() + "s").exists()


def test_authors_choose_images_for_their_articles(author_client):
    make_image("Quay at dusk")

    response = author_client.get(reverse("wagtailimages_chooser:choose"))

    assert response.status_code == 200
    assert "Quay at dusk" in response.json()["html"]


def test_authors_edit_their_own_images_but_not_others(client, site_tree):
    author = member_of("Authors")
    client.force_login(author)
    own = make_image("Mine")
    own.uploaded_by_user = author
    own.save()
    others = make_image("Not mine")

    assert client.get(reverse("wagtailimages:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=[others.pk])).status_code != 200
    assert client.post(reverse("wagtailimages:delete", args=[others.pk])).status_code != 200
    assert NewsImage.objects.filter(pk=others.pk).exists()


def test_editors_edit_and_delete_anyones_images(editor_client):
    image = make_image("Agency picture")

    assert editor_client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200
    editor_client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert not NewsImage.objects.filter(pk=image.pk).exists()


def test_an_author_drafts_and_submits_an_article_but_cannot_publish_it(author_client, site_tree):
    news = site_tree.sections["news"]
    byline = [make_author("Ana Díaz")]

    draft = author_client.post(add_article_url(news), article_form("Harbour talks stall", authors=byline))
    assert draft.status_code == 302
    article = ArticlePage.objects.get(slug="harbour-talks-stall")
    assert not article.live and article.has_unpublished_changes

    author_client.post(edit_article_url(article), article_form(article.title, article=article, action="publish"))
    assert not ArticlePage.objects.get(pk=article.pk).live

    submitted = author_client.post(
        edit_article_url(article), article_form(article.title, article=article, action="submit")
    )
    assert submitted.status_code == 302
    article = ArticlePage.objects.get(pk=article.pk)
    assert not article.live
    assert article.current_workflow_task.name == "Editor approval"


def test_an_editor_publishes_an_article(editor_client, site_tree):
    news = site_tree.sections["news"]

    response = editor_client.post(
        add_article_url(news), article_form("Port reopens", authors=[make_author()], action="publish")
    )

    assert response.status_code == 302
    assert ArticlePage.objects.get(slug="port-reopens").live


def test_an_editor_publishes_an_authors_submitted_article(client, site_tree):
    author, editor = member_of("Authors"), member_of("Editors")
    article = make_article(site_tree.sections["news"], publish=False, owner=author, authors=[make_author()])
    article.get_workflow().start(article, author)
    client.force_login(editor)

    client.post(
        edit_article_url(article),
        {
            **article_form(article.title, article=article),
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
        },
    )

    assert ArticlePage.objects.get(pk=article.pk).live


# What the article editor shows


def test_the_article_title_field_is_called_headline(editor_client, site_tree):
    page = editor_client.get(add_article_url(site_tree.sections["news"])).content.decode()

    assert "Headline" in page
    assert "Page title" not in page


# A byline before publishing


def test_publishing_without_a_byline_is_refused_with_a_message(editor_client, site_tree):
    response = editor_client.post(
        add_article_url(site_tree.sections["news"]), article_form("Unsigned piece", action="publish")
    )

    assert response.status_code == 200  # the editor stays in the form
    assert BYLINE_REQUIRED in response.content.decode()
    assert not ArticlePage.objects.filter(slug="unsigned-piece", live=True).exists()


def test_submitting_for_review_without_a_byline_is_refused(author_client, site_tree):
    response = author_client.post(
        add_article_url(site_tree.sections["news"]), article_form("Unsigned piece", action="submit")
    )

    assert response.status_code == 200
    assert BYLINE_REQUIRED in response.content.decode()


def test_a_draft_may_be_saved_without_a_byline(editor_client, site_tree):
    response = editor_client.post(add_article_url(site_tree.sections["news"]), article_form("Notes for later"))

    assert response.status_code == 302
    assert not ArticlePage.objects.get(slug="notes-for-later").live


def test_publishing_an_existing_draft_without_a_byline_is_refused(editor_client, site_tree):
    article = make_article(site_tree.sections["news"], publish=False, title="Draft without byline")

    response = editor_client.post(
        edit_article_url(article), article_form(article.title, article=article, action="publish")
    )

    assert response.status_code == 200
    assert BYLINE_REQUIRED in response.content.decode()
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_the_site_may_allow_unsigned_articles_such_as_editorials(editor_client, site_tree):
    SiteSettings.objects.filter(site=site_tree.site).update(allow_unsigned_articles=True)

    response = editor_client.post(
        add_article_url(site_tree.sections["news"]), article_form("Our view", action="publish")
    )

    assert response.status_code == 302
    assert ArticlePage.objects.get(slug="our-view").live


def test_a_removed_byline_does_not_count(editor_client, site_tree):
    writer = make_author()
    data = article_form("Byline struck", authors=[writer], action="publish")
    data["article_authors-0-DELETE"] = "1"

    response = editor_client.post(add_article_url(site_tree.sections["news"]), data)

    assert response.status_code == 200
    assert BYLINE_REQUIRED in response.content.decode()


def bulk_publish(client, *pages, include_descendants=False):
    """Publish from the page explorer's bulk action, which publishes the latest revision
    without the article form."""
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    query = "&".join(f"id={page.pk}" for page in pages)
    data = {"include_descendants": "on"} if include_descendants else {}
    return client.post(f"{url}?{query}&next=/admin/", data, follow=True)


def test_bulk_publishing_an_unsigned_draft_is_refused_with_a_message(editor_client, site_tree):
    signed = make_article(site_tree.sections["news"], publish=False, authors=[make_author()])
    unsigned = make_article(site_tree.sections["news"], publish=False, title="Unsigned draft")

    response = bulk_publish(editor_client, signed, unsigned)

    assert BYLINE_REQUIRED in response.content.decode() and "Unsigned draft" in response.content.decode()
    assert not ArticlePage.objects.filter(pk__in=[signed.pk, unsigned.pk], live=True).exists()  # none or all


def test_bulk_publishing_a_section_with_its_drafts_checks_the_drafts(editor_client, site_tree):
    news = site_tree.sections["news"]
    make_article(news, publish=False, title="Unsigned draft")

    response = bulk_publish(editor_client, news, include_descendants=True)

    assert BYLINE_REQUIRED in response.content.decode()
    assert not ArticlePage.objects.filter(title="Unsigned draft", live=True).exists()


def test_bulk_publishing_reads_the_byline_of_the_latest_revision(editor_client, site_tree):
    article = make_article(site_tree.sections["news"], publish=False, authors=[make_author()])
    article.article_authors.all().delete()
    article.save_revision()

    bulk_publish(editor_client, article)

    assert not ArticlePage.objects.get(pk=article.pk).live


def test_bulk_publishing_signed_or_allowed_articles_goes_ahead(editor_client, site_tree):
    signed = make_article(site_tree.sections["news"], publish=False, authors=[make_author()])
    editorial = make_article(site_tree.sections["news"], publish=False, title="Our view")
    SiteSettings.objects.filter(site=site_tree.site).update(allow_unsigned_articles=True)

    bulk_publish(editor_client, signed, editorial)

    assert ArticlePage.objects.filter(pk__in=[signed.pk, editorial.pk], live=True).count() == 2


def test_an_editor_swaps_the_authors_of_a_byline_and_publishes(editor_client, site_tree):
    """Rows are saved one by one: swapping two authors between rows must not meet the
    one-author-per-article constraint half way (it was an IntegrityError, a 500)."""
    first, second = make_author(name="Ada First"), make_author(name="Ben Second")
    article = make_article(site_tree.sections["news"], title="Jointly signed", authors=[first, second])
    rows = [
        {"id": link.pk, "author": author.pk}
        for link, author in zip(article.article_authors.all(), [second, first], strict=True)
    ]
    data = article_form(article.title, article=article, action="publish")
    data.update(nested_form_data({"article_authors": inline_formset(rows, initial=len(rows))}))

    response = editor_client.post(edit_article_url(article), data)

    assert response.status_code == 302
    byline = ArticlePage.objects.get(pk=article.pk).article_authors.order_by("sort_order")
    assert [link.author_id for link in byline] == [second.pk, first.pk]


def test_the_same_author_twice_in_a_byline_is_a_form_error(editor_client, site_tree):
    writer = make_author()

    response = editor_client.post(
        add_article_url(site_tree.sections["news"]),
        article_form("Twice signed", authors=[writer, writer], action="publish"),
    )

    assert response.status_code == 200
    assert "Please correct the duplicate data for article and author" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="twice-signed").exists()


# Branding


def test_the_admin_login_is_branded_with_the_site_and_masthead(client, site_tree):
    page = client.get(reverse("wagtailadmin_login")).content.decode()

    assert "<h1>Sign in to Test Ledger</h1>" in page
    assert "<title>Sign in - Masthead</title>" in page
    assert "Wagtail" not in page.split("<body", 1)[1].split("<script", 1)[0]
    assert "masthead/favicon.svg" in page


def test_admin_pages_carry_the_masthead_name(editor_client):
    page = editor_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "<title>Dashboard - Masthead</title>" in page
    assert "Test Ledger" in page  # the dashboard welcomes editors to their own site


@pytest.mark.parametrize("slug", ["feed", "tag", "latest", "sitemaps"])
def test_a_section_cannot_take_an_address_the_site_already_answers(admin_client, site_tree, slug):
    url = reverse("wagtailadmin_pages:add", args=["news", "sectionpage", site_tree.home.pk])
    data = nested_form_data({"title": "Feed", "slug": slug, "description": "", "show_on_home": "on"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "is already one of the site&#x27;s own addresses" in response.content.decode()
    assert not SectionPage.objects.filter(slug=slug).exists()


def test_a_section_with_a_free_slug_is_created(admin_client, site_tree):
    url = reverse("wagtailadmin_pages:add", args=["news", "sectionpage", site_tree.home.pk])
    data = nested_form_data({"title": "Climate", "slug": "climate", "description": "", "show_on_home": "on"})

    assert admin_client.post(url, data).status_code == 302
    assert SectionPage.objects.filter(slug="climate").exists()


# Articles with no publication time yet


def test_an_editor_deletes_a_draft_that_was_never_published(editor_client, site_tree):
    """A draft has no place in the stream, so no neighbour to retire: the delete goes ahead."""
    draft = make_article(site_tree.sections["news"], publish=False, published_at=None, title="Draft")

    response = editor_client.post(reverse("wagtailadmin_pages:delete", args=[draft.pk]))

    assert response.status_code == 302
    assert not ArticlePage.objects.filter(pk=draft.pk).exists()


def test_an_editor_deletes_a_scheduled_article(editor_client, site_tree):
    draft = make_article(site_tree.sections["news"], publish=False, published_at=None, authors=[make_author()])
    go_live_at = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    editor_client.post(
        edit_article_url(draft), article_form(draft.title, article=draft, action="publish", go_live_at=go_live_at)
    )
    scheduled = ArticlePage.objects.get(pk=draft.pk)
    assert scheduled.scheduled_revision is not None and scheduled.published_at is None

    response = editor_client.post(reverse("wagtailadmin_pages:delete", args=[scheduled.pk]))

    assert response.status_code == 302
    assert not ArticlePage.objects.filter(pk=scheduled.pk).exists()


def test_an_editor_moves_a_draft_that_was_never_published(editor_client, site_tree):
    draft = make_article(site_tree.sections["news"], publish=False, published_at=None, title="Draft")
    analysis = site_tree.sections["analysis"]

    response = editor_client.post(reverse("wagtailadmin_pages:move_confirm", args=[draft.pk, analysis.pk]))

    assert response.status_code == 302
    assert ArticlePage.objects.get(pk=draft.pk).get_parent().pk == analysis.pk
