"""Who is not a reader: crawlers (the maintained list of the `crawlerdetect` package) and
headless or audit browsers that say so in their user agent."""

from __future__ import annotations

import re
from functools import lru_cache

# Automation that renders pages like a browser and so runs the beacon. crawlerdetect knows
# most of them already; these are the ones a newsroom's own tooling sends.
HEADLESS_SIGNATURES = re.compile(
    r"HeadlessChrome|Headless|Lighthouse|PhantomJS|Puppeteer|Playwright|Selenium|"
    r"webdriver|SlimerJS|Chrome-Lighthouse|PTST|GTmetrix|Pingdom|Prerender",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _detector():
    from crawlerdetect import CrawlerDetect

    return CrawlerDetect()


# A user agent is checked once per worker: crawlerdetect's list is a regular expression of
# a few thousand alternatives (about 0.25 ms a check), and readers send a few hundred
# distinct user agents a day, far fewer than the beacons they send.
@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    if not user_agent.strip():
        return True  # every browser sends one
    if HEADLESS_SIGNATURES.search(user_agent):
        return True
    return bool(_detector().isCrawler(user_agent))


def is_prefetch(environ) -> bool:
    """A page fetched ahead of a click (speculation rules, link prefetch) is not a view.
    The beacon runs only once a page is shown, so this guards against a prefetch that
    also runs script."""
    if "HTTP_SEC_PURPOSE" not in environ and "HTTP_PURPOSE" not in environ:
        return False  # a reader's beacon: neither header
    purpose = (environ.get("HTTP_SEC_PURPOSE", "") + "," + environ.get("HTTP_PURPOSE", "")).lower()
    return "prefetch" in purpose or "prerender" in purpose
