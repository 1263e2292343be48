"""Hostile strings for the comment tests, and a check that a page's HTML holds nothing
that came from them: the Big List of Naughty Strings (vendored in fixtures/, MIT) plus
script payloads that leave a mark (`window.__xss`) if they ever run, control characters,
direction overrides and very long text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import html5lib

FIXTURES = Path(__file__).parent / "fixtures"

# Each sets window.__xss (or calls alert) if a browser ever runs it.
XSS = [
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    '\'><img src=x onerror="window.__xss=1">',
    "<img src=x onerror=window.__xss=1//",
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    "<body onload=window.__xss=1>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<details open ontoggle=window.__xss=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    '" autofocus onfocus="window.__xss=1',
    "' autofocus onfocus='window.__xss=1",
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    "java\tscript:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
    "vbscript:msgbox(1)",
    'https://example.org/"onmouseover="window.__xss=1',
    "https://example.org/'onmouseover='window.__xss=1",
    "https://example.org/<script>window.__xss=1</script>",
    "http://x.example/?a=<img src=x onerror=window.__xss=1>",
    "https://example.org/a`onmouseover=window.__xss=1",
    '<a href="javascript:window.__xss=1">click me</a>',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<object data="javascript:window.__xss=1"></object>',
    "<style>*{background:url(javascript:window.__xss=1)}</style>",
    '<div style="background:url(javascript:window.__xss=1)">styled</div>',
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;script&#62;window.__xss=1&#60;/script&#62;",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "{{ 7|add:7 }}{% debug %}{% csrf_token %}",
    "${alert(1)}#{alert(1)}",
    "<!--<script>window.__xss=1//-->",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
]

CONTROL = [
    "".join(map(chr, range(32))) + "\x7f",
    "".join(map(chr, range(0x80, 0xA0))),
    "nul\x00in the middle",
    "bell\x07 and escape\x1b[31mred\x1b[0m",
    "a\u202egnp.exe",
    "\u202eReversed name\u202c",
    "\u2066isolated\u2069 \u2067rtl isolate\u2069 \u2068first strong\u2069",
    "\u202a\u202b\u202c\u202d\u202e",
    "https://example.org/\u202egnp.exe",
    "\ufeffbyte order mark",
    "zero\u200bwidth\u200c\u200djoiners\u2060",
    "line\u2028separator\u2029paragraph",
    "private use \ue000\U000f0000",
    "noncharacters \ufdd0\ufffe\uffff",
    "combining e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",
    "\r\n\r\n\r\n\n\n\nmany line ends\r\r\r",
]

# 167 characters, as Django's EmailField takes it; 257 in lower case ("İ".lower() is "i" and
# a combining dot), still a valid address but longer than any address column (254).
GROWING_EMAIL = "a@" + ".".join(["İ" * 30] * 3) + "." + "b" * 60 + ".example.com"

HUGE = [
    "x" * 100_000,
    "<script>window.__xss=1</script>" * 3300,
    "https://example.org/" + "a" * 99_000,
]


@cache
def naughty_strings() -> list[str]:
    return json.loads((FIXTURES / "blns.json").read_text(encoding="utf-8"))


def hostile_strings() -> list[str]:
    """The whole corpus: every naughty string, every payload; not the 100 KB ones."""
    return [*naughty_strings(), *XSS, *CONTROL]


# What may appear in a page no matter who wrote the comments.
WEB = ("http://", "https://")
SITE = ("/", "#", "?", "mailto:?")  # the site's own links; a share-by-mail link names no address
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background"}


def elements(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False).iter()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def shape(html: str) -> set[tuple[str, str]]:
    """Every (element, attribute) pair in a page, and (element, "") for each element."""
    pairs = set()
    for element in elements(html):
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag)
        pairs.add((tag, ""))
        pairs.update((tag, _local(attribute)) for attribute in element.attrib)
    return pairs


def _script_elements(html: str):
    return [element for element in elements(html) if isinstance(element.tag, str) and _local(element.tag) == "script"]


def scripts(html: str) -> list[tuple[str, str]]:
    """Scripts that run. JSON-LD blocks are data that differ per page: `structured_data`
    checks those."""
    return [
        (element.get("src", ""), element.text or "")
        for element in _script_elements(html)
        if element.get("type") != "application/ld+json"
    ]


def structured_data(html: str) -> list[str]:
    return [element.text or "" for element in _script_elements(html) if element.get("type") == "application/ld+json"]


def addresses(html: str) -> set[str]:
    return {
        value
        for element in elements(html)
        if isinstance(element.tag, str)
        for attribute, value in element.attrib.items()
        if _local(attribute).lower() in URL_ATTRIBUTES
    }


class Baseline:
    """What pages built from harmless input hold (read once: parsing is the slow part)."""

    def __init__(self, pages: list[str]):
        self.shape = set().union(*map(shape, pages))
        self.scripts = {script for page in pages for script in scripts(page)}
        self.addresses = {address for page in pages for address in addresses(page)}


def assert_nothing_injected(html: str, baseline: Baseline, *, context: str = "") -> None:
    """`html` is built from the same templates as `baseline`'s pages: no element or
    attribute the templates do not make, no script, event handler or address that did
    not come from them, and every address a reader gave is a web address."""
    extra = shape(html) - baseline.shape
    assert not extra, f"{context}: markup from the input: {sorted(extra)}"
    assert set(scripts(html)) <= baseline.scripts, f"{context}: a script that the templates do not make"
    for block in structured_data(html):
        # Reader text inside JSON-LD stays data: valid JSON, and no "<" that could close the block.
        json.loads(block)
        assert "<" not in block, f"{context}: markup inside a JSON-LD block"
    site_addresses = baseline.addresses
    for element in elements(html):
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            name = _local(attribute).lower()
            assert not name.startswith("on"), f"{context}: event handler {attribute}={value!r}"
            if name in URL_ATTRIBUTES and value not in site_addresses:
                assert value.startswith(WEB + SITE) and not value.startswith("//"), (
                    f"{context}: {element.tag} {attribute}={value!r}"
                )
        classes = element.get("class", "").split()
        if "comment__body" in classes or "comment__author" in classes:
            for link in element.iter("a"):
                assert link.get("href", "").startswith(WEB), f"{context}: reader's link {link.get('href')!r}"
