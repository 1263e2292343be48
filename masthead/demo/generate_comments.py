"""Reader comments for `masthead generate`: by default ten per generated article (1,000,000
over 100,000), shaped as real comment sections are.

- Most articles have a handful of comments or none; a long tail has hundreds; a few
  (one per 20,000 articles) have 5,000, as a story that went round the world does.
- Within an article, comments come in the first hours after it was published and thin out
  over the following weeks. About a third start a thread of their own; the rest answer a
  recent comment, nested no deeper than the site allows (CommentSettings.max_depth).
- Some wait for a moderator (pending) or were caught as spam; those are always leaves,
  as a reader can only reply to a published comment. A few replies are the newsroom's,
  with the staff badge. Published comments have likes, most none, a few many.

Rows are written in bulk, a batch of articles at a time: the comment ids of a batch are
taken from the table's sequence in one query (on SQLite, after the largest id), so each
comment's `path`, `root` and `parent` are known before anything is inserted and no row is
written twice. On PostgreSQL the rows go through COPY. The counts a thread keeps
(Discussion's approved and pending counts, a top-level comment's `reply_count`, a
comment's `like_count`) are computed from the same numbers, so they hold exactly.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from wagtail.models import Site

from masthead.comments.models import PATH_DIGITS, Comment, CommentLike, CommentSettings, Discussion
from masthead.comments.text import clean_text, render
from masthead.news.models import ArticlePage, Author

COMMENTS_PER_ARTICLE = 10
BIG_THREAD = 5_000
ARTICLES_PER_BIG_THREAD = 20_000
SILENT_SHARE = 0.45  # articles nobody commented on
BATCH_COMMENTS = 20_000
PENDING_SHARE = 0.02
SPAM_SHARE = 0.01
STAFF_SHARE = 0.005  # of replies
LIKED_SHARE = 0.35  # of published comments
BODY_POOL = 3_000
COMMENTERS = 20_000
REGULARS = 400  # commenters who are everywhere
READERS_WHO_LIKE = 30_000

FIRST_NAMES = [
    "Aino",
    "Alba",
    "Alex",
    "Amara",
    "Anders",
    "Ania",
    "Arjun",
    "Aurelio",
    "Bea",
    "Bruno",
    "Camille",
    "Carlos",
    "Chiara",
    "Dana",
    "Dario",
    "Defne",
    "Eamon",
    "Elif",
    "Elena",
    "Emeka",
    "Esther",
    "Farah",
    "Felix",
    "Fiona",
    "Gabriel",
    "Greta",
    "Hana",
    "Hugo",
    "Ilse",
    "Imogen",
    "Ines",
    "Ivo",
    "Jakob",
    "Jana",
    "Joao",
    "Jonas",
    "Jude",
    "Kasia",
    "Kemal",
    "Kofi",
    "Lars",
    "Leila",
    "Lena",
    "Liam",
    "Lotte",
    "Luca",
    "Maren",
    "Marta",
    "Mateo",
    "Mina",
    "Moritz",
    "Nadia",
    "Nils",
    "Noor",
    "Olga",
    "Omar",
    "Oskar",
    "Paula",
    "Pavel",
    "Petra",
    "Quentin",
    "Rafael",
    "Rania",
    "Rosa",
    "Ruth",
    "Sami",
    "Sanne",
    "Selin",
    "Sofia",
    "Stefan",
    "Tamar",
    "Teodor",
    "Tess",
    "Tomas",
    "Ulla",
    "Valentina",
    "Vera",
    "Viktor",
    "Wim",
    "Yara",
    "Yusuf",
    "Zeno",
    "Zofia",
]
LAST_NAMES = [
    "Aalto",
    "Abbasi",
    "Achterberg",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Arslan",
    "Bakker",
    "Barros",
    "Becker",
    "Bianchi",
    "Brennan",
    "Castro",
    "Costa",
    "Dahl",
    "Demir",
    "Dubois",
    "Eriksen",
    "Esposito",
    "Falk",
    "Ferreira",
    "Fischer",
    "Gallo",
    "Garcia",
    "Haddad",
    "Hansen",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kaya",
    "Keller",
    "Kowalski",
    "Kruger",
    "Larsen",
    "Laurent",
    "Lindqvist",
    "Lopes",
    "Marino",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nagy",
    "Novak",
    "Nowak",
    "Okafor",
    "Olsen",
    "Petrov",
    "Pires",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Sorensen",
    "Stone",
    "Toth",
    "Varga",
    "Vogel",
    "Weber",
    "Wojcik",
    "Yilmaz",
    "Zeller",
]
HANDLES = (
    "harbourwatcher",
    "old ferry hand",
    "quiet reader",
    "ledger subscriber",
    "retired teacher",
    "north shore",
    "night shift nurse",
    "grid engineer",
    "small farmer",
    "long-time reader",
    "first-time commenter",
    "port worker",
    "taxpayer",
    "sceptic in the south",
)
DOMAINS = ("example.com", "example.net", "example.org")
OPENERS = (
    "Good piece.",
    "Thanks for reporting this.",
    "I am not convinced.",
    "This matches what we see where I live.",
    "Finally someone asks the obvious question.",
    "Two things the article leaves out.",
    "As someone who works in this field:",
    "Respectfully, I disagree.",
    "I read this twice.",
    "Hard to believe it took this long.",
    "Small correction:",
    "My family has lived with this for years.",
    "Interesting, but",
    "The numbers tell a different story.",
)
CLAIMS = (
    "the {a} was promised years ago and nobody has checked on it since",
    "every time the {a} comes up, the {b} gets the blame",
    "we were told the {a} would pay for itself; it has not",
    "the real question is who decides about the {a} when the {b} disagrees",
    "the {a} figures quoted here are for last year, and this year looks worse",
    "nobody I know was asked about the {a} before the {b} went ahead",
    "the {b} has done this before, and the {a} paid for it then too",
    "if the {a} goes the way of the {b}, the next election will be about nothing else",
    "half of the {a} problem is the {b}, and the other half is that nobody reads the reports",
    "the {a} works fine in the next town over, so it can be done",
    "I would like to see the {b} explain the {a} in public, not in a press release",
    "the {a} is only the start; wait until the {b} is on the table",
)
CLOSERS = (
    "Keep following this, please.",
    "Would love a follow-up.",
    "Curious what others think.",
    "We will see.",
    "Not holding my breath.",
    "This deserves more attention.",
    "Thanks to the reporter for staying on it.",
    "",
    "",
    "",
)
REPLY_OPENERS = (
    "Exactly this.",
    "I see your point, but",
    "Not quite:",
    "Agreed, and",
    "Where did you read that?",
    "Same here:",
    "That is fair, though",
    "You are forgetting that",
)
LINKS = (
    "The full report is at https://example.org/reports/{a}-review",
    "There is a summary here: https://example.net/explainers/{a}",
    "Minutes of the meeting: https://example.com/minutes/{b}",
)
TOPICS = [
    "council",
    "budget",
    "harbour",
    "ferry",
    "grid",
    "tariff",
    "hospital",
    "school",
    "strike",
    "union",
    "port",
    "reservoir",
    "drought",
    "housing",
    "rents",
    "permit",
    "border",
    "treaty",
    "inquiry",
    "ruling",
    "coalition",
]
USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:146.0) Gecko/20100101 Firefox/146.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/146.0 Safari/537.36",
    "",
)
STAFF_REPLIES = (
    "Thanks for reading. We have asked the ministry for the figures and will update the story.",
    "Good catch: the date is corrected above, with a note.",
    "We cover this in more depth in our earlier explainer; a follow-up is in the works.",
    "A reminder to keep it civil, please: argue with the idea, not the person.",
)

COLUMNS = (
    "id",
    "page_id",
    "parent_id",
    "root_id",
    "depth",
    "path",
    "user_id",
    "author_name",
    "author_email",
    "author_url",
    "body",
    "body_html",
    "status",
    "is_staff_reply",
    "hold_reason",
    "removal_reason",
    "ip_address",
    "user_agent",
    "like_count",
    "reply_count",
    "in_thread",
    "created_at",
    "edited_at",
    "moderated_at",
    "moderated_by_id",
    "external_id",
)
APPROVED, PENDING, SPAM = Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM


def comment_counts(articles: int, total: int, rng: random.Random) -> list[int]:
    """How many comments each of `articles` articles gets, `total` in all."""
    if articles <= 0 or total <= 0:
        return [0] * max(articles, 0)
    if articles == 1:
        return [total]
    big = max(1, round(articles / ARTICLES_PER_BIG_THREAD))
    big_size = min(BIG_THREAD, total // (4 * big))
    rest = total - big * big_size
    counts = [0] * articles
    order = list(range(articles))
    rng.shuffle(order)
    for index in order[:big]:
        counts[index] = big_size
    others = order[big:]
    talked_about = others[round(len(others) * SILENT_SHARE) :] or others
    weights = [rng.lognormvariate(0, 1.4) for _ in talked_about]
    scale = rest / sum(weights)
    given = 0
    for index, weight in zip(talked_about, weights, strict=True):
        counts[index] = int(weight * scale)
        given += counts[index]
    for index in rng.choices(talked_about, k=rest - given):
        counts[index] += 1
    return counts


class Voices:
    """Who comments and what they say: made up once, drawn from for every comment."""

    def __init__(self, rng: random.Random, *, staff_names: list[str]):
        self.rng = rng
        self.commenters = [self._commenter(number) for number in range(COMMENTERS)]
        self.bodies = [self._rendered(self._body(reply=number % 2 == 1)) for number in range(BODY_POOL)]
        self.staff = [(name, self._rendered(text)) for name in staff_names or ["The desk"] for text in STAFF_REPLIES]
        self.readers = [f"{rng.getrandbits(128):032x}" for _ in range(READERS_WHO_LIKE)]

    def _commenter(self, number: int) -> tuple[str, str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.15:
            name = rng.choice(HANDLES).title() if rng.random() < 0.5 else rng.choice(HANDLES)
            local = name.replace(" ", ".").replace("-", "").lower() + str(number)
        elif rng.random() < 0.3:
            name = f"{first} {last[0]}."
            local = f"{first}{number}".lower()
        else:
            name = f"{first} {last}"
            local = f"{first}.{last}{number}".lower()
        url = f"https://{rng.choice(DOMAINS)}/~{local.split('.')[0]}" if rng.random() < 0.05 else ""
        return name, f"{local}@{rng.choice(DOMAINS)}", url

    def _body(self, *, reply: bool) -> str:
        rng = self.rng
        paragraphs = []
        for number in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0]):
            opener = rng.choice(REPLY_OPENERS if reply and number == 0 else OPENERS)
            claims = [
                rng.choice(CLAIMS).format(a=rng.choice(TOPICS), b=rng.choice(TOPICS)) for _ in range(rng.randint(1, 2))
            ]
            text = f"{opener} {'. '.join(claim[0].upper() + claim[1:] for claim in claims)}."
            if rng.random() < 0.06:
                text += " " + rng.choice(LINKS).format(a=rng.choice(TOPICS), b=rng.choice(TOPICS))
            paragraphs.append(f"{text} {rng.choice(CLOSERS)}".strip())
        return "\n\n".join(paragraphs)

    @staticmethod
    def _rendered(body: str) -> tuple[str, str]:
        body = clean_text(body)
        return body, render(body)

    def commenter(self) -> tuple[str, str, str]:
        if self.rng.random() < 0.3:
            return self.commenters[self.rng.randrange(REGULARS)]
        return self.rng.choice(self.commenters)

    def likes(self) -> int:
        rng = self.rng
        if rng.random() >= LIKED_SHARE:
            return 0
        return min(int(rng.paretovariate(1.3)), 400)


def _thread(count: int, published: datetime, now: datetime, rng: random.Random, *, max_depth: int) -> list[tuple]:
    """One article's comments in the order they were written: (parent index or -1,
    time, status, by staff) each."""
    span = max((now - published).total_seconds() - 1, 1)
    late_span = min(span, 30 * 24 * 3600)
    offsets = sorted(
        min(rng.expovariate(1 / 21_600), span) if rng.random() < 0.8 else rng.uniform(0, late_span)
        for _ in range(count)
    )
    root_share = 0.45 if count < 200 else 0.3
    comments, depths, open_to_replies = [], [], []
    for index, offset in enumerate(offsets):
        parent = -1
        if open_to_replies and rng.random() >= root_share:
            # Readers answer what is near the top of the thread: mostly recent comments.
            back = min(int(rng.expovariate(1 / 8)), len(open_to_replies) - 1)
            parent = open_to_replies[-1 - back]
        roll = rng.random()
        status = PENDING if roll < PENDING_SHARE else SPAM if roll < PENDING_SHARE + SPAM_SHARE else APPROVED
        staff = parent >= 0 and status == APPROVED and rng.random() < STAFF_SHARE
        depth = depths[parent] + 1 if parent >= 0 else 0
        comments.append((parent, published + timedelta(seconds=offset), status, staff))
        depths.append(depth)
        if status == APPROVED and depth < max_depth - 1:
            open_to_replies.append(index)
    return comments


def _site_max_depth() -> int:
    site = Site.objects.filter(is_default_site=True).first()
    return CommentSettings.for_site(site).max_depth if site else CommentSettings().max_depth


def _take_ids(count: int) -> list[int]:
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
    start = (Comment.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    return list(range(start, start + count))


def _write(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            adapt = connection.ops.adapt_datetimefield_value
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (names from the model, values bound)
                [tuple(adapt(value) if isinstance(value, datetime) else value for value in row) for row in rows],
            )


def _articles_without_comments(limit: int) -> list[tuple[int, datetime]]:
    """The newest live articles nobody has commented on: on a fresh `generate`, the ones
    it just made."""
    rows = (
        ArticlePage.objects.live()
        .filter(~Exists(Discussion.objects.filter(page_id=OuterRef("pk"))))
        .order_by("-pk")
        .values_list("pk", "first_published_at")[:limit]
    )
    return list(rows)


def generate_comments(size, *, seed: int = 2026, progress=print) -> int:
    total = size.comment_count
    articles = _articles_without_comments(size.articles)
    if not total or not articles:
        return 0
    rng = random.Random(seed)
    counts = comment_counts(len(articles), total, rng)
    voices = Voices(rng, staff_names=list(Author.objects.order_by("pk").values_list("name", flat=True)[:20]))
    max_depth = _site_max_depth()
    now = timezone.now()
    made = 0
    batch: list[tuple[int, datetime, int]] = []
    for (page_id, published), count in zip(articles, counts, strict=True):
        if count:
            batch.append((page_id, published or now - timedelta(days=1), count))
        if sum(item[2] for item in batch) >= BATCH_COMMENTS:
            made += _write_batch(batch, voices, rng, now=now, max_depth=max_depth)
            batch = []
            progress(f"{made:,} of {total:,} comments")
    if batch:
        made += _write_batch(batch, voices, rng, now=now, max_depth=max_depth)
        progress(f"{made:,} of {total:,} comments")
    return made


def _write_batch(batch, voices: Voices, rng: random.Random, *, now: datetime, max_depth: int) -> int:
    threads = [
        (page_id, _thread(count, published, now, rng, max_depth=max_depth)) for page_id, published, count in batch
    ]
    ids = iter(_take_ids(sum(len(comments) for _, comments in threads)))
    comment_rows, like_rows, discussion_rows = [], [], []
    for page_id, comments in threads:
        own_ids = list(itertools.islice(ids, len(comments)))
        paths, roots, depths = [], [], []
        reply_counts = dict.fromkeys(own_ids, 0)
        for index, (parent, _, status, _) in enumerate(comments):
            pk = own_ids[index]
            step = f"{pk:0{PATH_DIGITS}d}."
            if parent < 0:
                paths.append(step)
                roots.append(None)
                depths.append(0)
            else:
                paths.append(paths[parent] + step)
                roots.append(roots[parent] or own_ids[parent])
                depths.append(depths[parent] + 1)
                if status == APPROVED:
                    reply_counts[roots[index]] += 1
        approved = pending = 0
        last_approved = None
        for index, (parent, created, status, staff) in enumerate(comments):
            pk = own_ids[index]
            if staff:
                name, (body, body_html) = rng.choice(voices.staff)
                email = url = user_agent = ""
                ip = None
            else:
                name, email, url = voices.commenter()
                body, body_html = rng.choice(voices.bodies)
                user_agent = rng.choice(USER_AGENTS)
                ip = (
                    f"198.51.100.{rng.randrange(1, 255)}"
                    if rng.random() < 0.5
                    else f"203.0.113.{rng.randrange(1, 255)}"
                )
            likes = 0
            edited = moderated = None
            hold_reason = ""
            if status == APPROVED:
                approved += 1
                last_approved = created
                likes = voices.likes()
                if rng.random() < 0.02:
                    edited = created + timedelta(minutes=rng.randint(1, 14))
                for reader in rng.sample(voices.readers, likes):
                    like_rows.append((pk, reader, min(created + timedelta(minutes=rng.randint(1, 600)), now)))
            elif status == PENDING:
                pending += 1
                hold_reason = "first comment from this address"
            else:
                hold_reason = "the spam checker's verdict"
                moderated = created
            comment_rows.append(
                (
                    pk,
                    page_id,
                    own_ids[parent] if parent >= 0 else None,
                    roots[index],
                    depths[index],
                    paths[index],
                    None,
                    name,
                    email,
                    url,
                    body,
                    body_html,
                    status,
                    staff,
                    hold_reason,
                    "",
                    ip,
                    user_agent,
                    likes,
                    reply_counts[pk] if parent < 0 else 0,
                    status == APPROVED,
                    created,
                    edited,
                    moderated,
                    None,
                    "",
                )
            )
        discussion_rows.append((page_id, approved, pending, False, last_approved))
    with transaction.atomic():
        _write(Discussion, ("page_id", "approved_count", "pending_count", "closed", "last_comment_at"), discussion_rows)
        _write(Comment, COLUMNS, comment_rows)
        _write(CommentLike, ("comment_id", "reader_key", "created_at"), like_rows)
    return len(comment_rows)
