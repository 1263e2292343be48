"""The newsroom's writes for `make bench`'s "reading under writes" rows.

    python bench/writer.py articles --count 1000          JSON [[pk, address], ...] of live articles
    python bench/writer.py comments                        raise the comment limits; JSON of the busiest thread
    python bench/writer.py quiet                           switch the newsletter's digest schedules off
    python bench/writer.py write --duration 20 --articles FILE

`write` runs with the same environment as `masthead serve` and, for `--duration` seconds,
does what a busy newsroom does while readers read: it edits one of the readers' articles
each second (a new revision, published, as the admin saves it), approves five pending
comments on the readers' articles each second (through the comment services, as a
moderator does in the admin: the article's thread is purged when it commits) and
publishes a new article every 30 seconds. Before it says "ready" it makes sure there are
enough pending comments to approve, posting the missing ones through the same services.
At the end it prints one JSON line with the writes it did and the writes it was asked
for, so the bench can show them and refuse a run whose writer fell behind.

`quiet` switches the newsletter's digest schedules off in the bench's database: the
demo's lists send daily and weekly, and with the subscribers `masthead generate` adds, the
worker would make a digest to tens of thousands of them at the first due hour and try to
send it (to no mail server) while readers are measured. The newsletter has its own bench.

`comments` lifts the site's limits on posting (per address per minute, per email per
hour, the minimum seconds before a form may be sent) so that one benchmark client may
post hundreds of comments a second, and names the article with the most comments.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

EDITS_PER_SECOND = 1
# Five a second is a very busy comment desk; each is a real moderation, dearer than a purge.
APPROVALS_PER_SECOND = 5
SECONDS_BETWEEN_PUBLISHES = 30


@dataclass
class Writes:
    edits: int = 0
    approvals: int = 0
    publishes: int = 0


def planned_writes(duration: float) -> Writes:
    """What the writer is asked for in `duration` seconds: the first of each kind at once."""
    return Writes(
        edits=math.ceil(duration * EDITS_PER_SECOND),
        approvals=math.ceil(duration * APPROVALS_PER_SECOND),
        publishes=math.ceil(duration / SECONDS_BETWEEN_PUBLISHES),
    )


def schedule(duration: float) -> list[tuple[float, str]]:
    """Each planned write with the second, from the start, it is due at."""
    planned = planned_writes(duration)
    due = [(n / EDITS_PER_SECOND, "edits") for n in range(planned.edits)]
    due += [(n / APPROVALS_PER_SECOND, "approvals") for n in range(planned.approvals)]
    due += [(n * SECONDS_BETWEEN_PUBLISHES, "publishes") for n in range(planned.publishes)]
    return sorted(due)


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from masthead import env

    env.use_settings()
    import django

    django.setup()


def live_articles(count: int, *, seed: int = 2026) -> list[tuple[int, str]]:
    """`count` live articles picked at random (the same ones for the same seed and site)."""
    from masthead.news.models import ArticlePage

    rows = sorted(ArticlePage.objects.live().values_list("pk", "url_path"))
    picked = random.Random(seed).sample(rows, min(count, len(rows)))
    # url_path starts with the site's root page ("/home/news/story/" is "/news/story/").
    return [(pk, "/" + url_path.split("/", 2)[2]) for pk, url_path in picked]


def edit_article(pk: int, number: int) -> None:
    """An editor's update to a live story: a new revision, published."""
    from django.utils import timezone

    from masthead.news.models import ArticlePage

    article = ArticlePage.objects.get(pk=pk)
    article.is_updated = True
    article.updated_at = timezone.now()
    article.update_note = f"Update {number}: the story so far, revised by the desk."
    revision = article.save_revision()
    revision.publish()


def pending_comments(article_pks: list[int], count: int, *, seed: int = 2026) -> list[int]:
    """`count` pending comments on the given articles, oldest first: the ones already
    waiting, and new ones posted through the comment services (held, as the first comment
    of a new address is) when there are too few."""
    from wagtail.models import Page, Site

    from masthead.comments import services
    from masthead.comments.models import Comment, CommentSettings, ModerationPolicy

    waiting = list(
        Comment.objects.filter(page_id__in=article_pks, status=Comment.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.moderation = ModerationPolicy.EVERYONE  # not saved: only these are held
    rng = random.Random(seed)
    pages = {page.pk: page for page in Page.objects.filter(pk__in=article_pks)}
    for number in range(count - len(waiting)):
        comment = services.comment_create(
            page=pages[rng.choice(article_pks)],
            author=services.Author(name=f"Bench reader {number}", email=f"bench-reader-{number}@example.org"),
            body=f"Comment {number} waiting for a moderator: the figures in the third paragraph do not add up.",
            settings=settings,
        )
        waiting.append(comment.pk)
    return waiting


def approve_comment(pk: int) -> None:
    """A moderator's approval (docs/architecture.md): the article's thread and count are
    purged when it commits, not its body fragment, nor the listings that merely show it."""
    from masthead.comments import services
    from masthead.comments.models import Comment

    # The service reads the comment again under a lock: its id is all it needs.
    services.comment_set_status(comment=Comment(pk=pk), status=Comment.Status.APPROVED)


LIMIT = 32_767  # the largest value the limits' fields hold


def comment_limits_raise() -> dict:
    """Let one client post as fast as it can, and say where the busiest thread is."""
    from django.db.models import Count
    from wagtail.models import Site

    from masthead.comments.models import Comment, CommentSettings

    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.posts_per_minute_per_ip = settings.posts_per_hour_per_email = LIMIT
    settings.min_seconds_to_submit = 0
    settings.save()
    busiest = Comment.objects.values("page_id").annotate(comments=Count("pk")).order_by("-comments", "page_id").first()
    return {"busiest": busiest["page_id"], "comments": busiest["comments"]} if busiest else {}


def newsletter_schedules_off() -> int:
    """No digest is made while the bench measures; how many lists were scheduled. An
    update, not a save: the lists' settings purge nothing either way."""
    from masthead.newsletter.models import NewsletterList

    return NewsletterList.objects.exclude(frequency=NewsletterList.Frequency.NONE).update(
        frequency=NewsletterList.Frequency.NONE
    )


def publish_new_article(like_pk: int, number: int) -> None:
    """A new story in the section of article like_pk, with its body and byline."""
    from masthead.news.models import ArticleAuthor, ArticlePage

    model = ArticlePage.objects.select_related("primary_section").get(pk=like_pk)
    section = model.primary_section.specific
    article = ArticlePage(
        title=f"Newsroom bench story {number}",
        slug=f"newsroom-bench-story-{uuid.uuid4().hex[:12]}",
        standfirst=model.standfirst,
        body=model.body.raw_data,
    )
    for order, author_id in enumerate(model.article_authors.values_list("author_id", flat=True)):
        article.article_authors.add(ArticleAuthor(author_id=author_id, sort_order=order))
    section.add_child(instance=article)
    article.save_revision().publish()


def write(duration: float, article_pks: list[int], *, pending: list[int], seed: int = 2026) -> dict:
    """Each write when it is due (late ones at once), none after `duration` seconds;
    `pending`: the comments to approve, in order."""
    rng = random.Random(seed)
    done = Writes()
    actions = {
        "edits": lambda: edit_article(rng.choice(article_pks), done.edits + 1),
        "approvals": lambda: approve_comment(pending[done.approvals]),
        "publishes": lambda: publish_new_article(rng.choice(article_pks), done.publishes + 1),
    }
    started, cpu_started = time.monotonic(), time.process_time()
    for due, kind in schedule(duration):
        wait = started + due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if time.monotonic() - started >= duration:
            break
        actions[kind]()
        setattr(done, kind, getattr(done, kind) + 1)
    return {
        "done": asdict(done),
        "planned": asdict(planned_writes(duration)),
        "seconds": round(time.monotonic() - started, 2),
        # The writer shares the server's two cores: its own share of one core.
        "cpu_share": round((time.process_time() - cpu_started) / max(time.monotonic() - started, 0.001), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    articles = commands.add_parser("articles", help="print live articles picked at random, as JSON")
    articles.add_argument("--count", type=int, required=True)
    commands.add_parser("comments", help="raise the comment limits; print the busiest thread, as JSON")
    commands.add_parser("quiet", help="switch the newsletter's digest schedules off")
    writer = commands.add_parser("write", help="write for --duration seconds, then print what was done")
    writer.add_argument("--duration", type=float, required=True)
    writer.add_argument("--articles", type=Path, required=True, help="JSON from `articles`: the ones readers read")
    arguments = parser.parse_args()
    setup_django()
    if arguments.command == "articles":
        print(json.dumps(live_articles(arguments.count)))
        return
    if arguments.command == "comments":
        print(json.dumps(comment_limits_raise()))
        return
    if arguments.command == "quiet":
        print(json.dumps({"digest_schedules_off": newsletter_schedules_off()}))
        return
    article_pks = [pk for pk, _ in json.loads(arguments.articles.read_text())]
    pending = pending_comments(article_pks, planned_writes(arguments.duration).approvals)
    print("ready", flush=True)
    print(json.dumps(write(arguments.duration, article_pks, pending=pending)), flush=True)


if __name__ == "__main__":
    main()
