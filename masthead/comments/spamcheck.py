"""A gateway to an Akismet-compatible spam checker (Akismet itself, or a service that
speaks its API, such as a self-hosted one): it speaks HTTP and knows no models.

    spamcheck.is_spam(endpoint=..., api_key=..., blog=SITE_URL, submission=Submission(...))

The checker is one more voice for moderation, never a gate: when it is down, slow or
answers something unexpected, the comment counts as not spam and goes through the
site's other rules, so an outage elsewhere never stops readers from commenting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
USER_AGENT = "Masthead | Akismet-compatible/1.1"


@dataclass(frozen=True)
class Submission:
    """What the checker is told about one comment and the request that sent it."""

    user_ip: str
    user_agent: str
    referrer: str
    author: str
    author_email: str
    author_url: str
    content: str
    permalink: str


def comment_check_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/1.1/comment-check"


def is_spam(
    *, endpoint: str, api_key: str, blog: str, submission: Submission, timeout: float = TIMEOUT_SECONDS
) -> bool:
    """True only when the checker answers "true"; every failure is logged and is not spam."""
    data = {
        "api_key": api_key,
        "blog": blog,
        "user_ip": submission.user_ip,
        "user_agent": submission.user_agent,
        "referrer": submission.referrer,
        "comment_type": "comment",
        "comment_author": submission.author,
        "comment_author_email": submission.author_email,
        "comment_author_url": submission.author_url,
        "comment_content": submission.content,
        "permalink": submission.permalink,
        "blog_charset": "UTF-8",
    }
    url = comment_check_url(endpoint)
    try:
        response = requests.post(url, data=data, timeout=timeout, headers={"User-Agent": USER_AGENT})
        response.raise_for_status()
    except requests.RequestException as error:
        logger.warning("Spam checker at %s failed (%s): the comment is taken as not spam", url, error)
        return False
    answer = response.text.strip()
    if answer == "true":
        return True
    if answer == "false":
        return False
    # Akismet answers "invalid" for a bad key, and a sentence for a missing field; its
    # X-akismet-debug-help header says more.
    logger.warning(
        "Spam checker at %s answered %r (%s): the comment is taken as not spam",
        url,
        answer[:200],
        response.headers.get("X-akismet-debug-help", "no explanation"),
    )
    return False
