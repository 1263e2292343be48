"""The newsroom's writes for `make bench`'s "reading under writes" rows.

    python bench/writer.py articles --count 1000          JSON [[pk, address], ...] of live articles
    python bench/writer.py write --duration 20 --articles FILE

`write` runs with the same environment as `masthead serve` and, for `--duration` seconds,
does what a busy newsroom does while readers read: it edits one of the readers' articles
each second (a new revision, published, as the admin saves it), purges ten single-article
keys each second (the stand-in for approved comments) and publishes a new article every
30 seconds. It prints "ready" once Django is set up, then, at the end, one JSON line with
the writes it did and the writes it was asked for, so the bench can show them and refuse
a run whose writer fell behind.
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
PURGES_PER_SECOND = 10
SECONDS_BETWEEN_PUBLISHES = 30


@dataclass
class Writes:
    edits: int = 0
    purges: int = 0
    publishes: int = 0


def planned_writes(duration: float) -> Writes:
    """What the writer is asked for in `duration` seconds: the first of each kind at once."""
    return Writes(
        edits=math.ceil(duration * EDITS_PER_SECOND),
        purges=math.ceil(duration * PURGES_PER_SECOND),
        publishes=math.ceil(duration / SECONDS_BETWEEN_PUBLISHES),
    )


def schedule(duration: float) -> list[tuple[float, str]]:
    """Each planned write with the second, from the start, it is due at."""
    planned = planned_writes(duration)
    due = [(n / EDITS_PER_SECOND, "edits") for n in range(planned.edits)]
    due += [(n / PURGES_PER_SECOND, "purges") for n in range(planned.purges)]
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


def purge_article_page(pk: int) -> None:
    """What approving a comment on article pk will cost (docs/architecture.md): the
    article's page, not its body fragment, nor the listings that merely show it."""
    from django.db import transaction

    from masthead.pagecache import keys
    from masthead.pagecache.purge import purge_keys

    with transaction.atomic():  # the purge runs when this commits, as after a real write
        purge_keys(keys.discussion(pk))


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


def write(duration: float, article_pks: list[int], *, seed: int = 2026) -> dict:
    """Each write when it is due (late ones at once), none after `duration` seconds."""
    rng = random.Random(seed)
    done = Writes()
    actions = {
        "edits": lambda: edit_article(rng.choice(article_pks), done.edits + 1),
        "purges": lambda: purge_article_page(rng.choice(article_pks)),
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
    writer = commands.add_parser("write", help="write for --duration seconds, then print what was done")
    writer.add_argument("--duration", type=float, required=True)
    writer.add_argument("--articles", type=Path, required=True, help="JSON from `articles`: the ones readers read")
    arguments = parser.parse_args()
    setup_django()
    if arguments.command == "articles":
        print(json.dumps(live_articles(arguments.count)))
        return
    article_pks = [pk for pk, _ in json.loads(arguments.articles.read_text())]
    print("ready", flush=True)
    print(json.dumps(write(arguments.duration, article_pks)), flush=True)


if __name__ == "__main__":
    main()
