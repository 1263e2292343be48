"""An edition's mail: rendered once when sending starts, then made per subscriber by
putting in only the personal links.

`edition_render` renders the HTML (the stylesheet inlined by css-inline: mail clients
ignore <style> and <link>, decision 0016) and the plain text, with two placeholders for
the subscriber's preferences and unsubscribe links. `MailTemplate` turns the stored
rendering into the bytes of each mail: the headers common to all (From, Subject, List-Id)
are encoded once; per mail only To, Message-ID, List-Unsubscribe and the two links change,
the text part is quoted-printable encoded by binascii (C) and the HTML goes as 7-bit
ASCII (`_html_part`), so a mail costs tens of microseconds, not a template render and a
MIME build.

Every link is absolute (SITE_URL); the Message-ID is `<edition.subscriber.newsletter@
domain>`, under the site's domain and the same for every attempt at the same mail, so a
receiving system that meets it twice can tell.
"""

from __future__ import annotations

import binascii
import email.policy
import re
import secrets
from dataclasses import dataclass
from email.message import EmailMessage as PyEmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.template.loader import render_to_string

from masthead.newsletter import links

PREFERENCES_PLACEHOLDER = "%%MASTHEAD-PREFERENCES-URL%%"
UNSUBSCRIBE_PLACEHOLDER = "%%MASTHEAD-UNSUBSCRIBE-URL%%"
EXCERPT_CHARS = 400
_LINE_START_DOT = re.compile(rb"(?m)^\.")


def site_domain() -> str:
    return urlsplit(django_settings.SITE_URL).hostname or "localhost"


def message_id_suffix() -> str:
    return f".newsletter@{site_domain()}>"


def message_id(edition_id: int, subscriber_id: int) -> str:
    """The same SQL makes it for every delivery row (sending.recipients_insert)."""
    return f"<{edition_id}.{subscriber_id}{message_id_suffix()}"


def absolute(path: str) -> str:
    return django_settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Sender:
    name: str
    address: str

    @property
    def header(self) -> str:
        return formataddr((self.name, self.address)) if self.name else self.address


def sender_for(site) -> Sender:
    from email.utils import parseaddr

    from masthead.core.models import SiteSettings
    from masthead.newsletter.models import NewsletterSettings

    newsletter = NewsletterSettings.for_site(site)
    default_name, default_address = parseaddr(django_settings.DEFAULT_FROM_EMAIL)
    name = newsletter.from_name or SiteSettings.for_site(site).site_name or default_name
    return Sender(name=name, address=newsletter.from_email or default_address or f"newsroom@{site_domain()}")


def article_items(edition) -> list[dict]:
    items = []
    for row in edition.edition_articles.select_related("page").order_by("position", "id"):
        page = row.page.specific
        path = page.get_url_parts()[2] if page.get_url_parts() else page.url_path
        standfirst = getattr(page, "standfirst", "") or getattr(page, "search_description", "")
        if len(standfirst) > EXCERPT_CHARS:
            standfirst = standfirst[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
        items.append({"title": page.title, "standfirst": standfirst, "url": absolute(path)})
    return items


def edition_render(edition) -> tuple[str, str]:
    """The edition's HTML and text, with the personal links as placeholders."""
    import css_inline

    from masthead.core.models import SiteSettings
    from masthead.newsletter.models import NewsletterSettings

    site = edition.newsletter_list.site
    context = {
        "edition": edition,
        "list": edition.newsletter_list,
        "articles": article_items(edition),
        "site_name": SiteSettings.for_site(site).site_name,
        "site_url": django_settings.SITE_URL.rstrip("/") + "/",
        "postal_address": NewsletterSettings.for_site(site).postal_address,
        "preferences_url": PREFERENCES_PLACEHOLDER,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }
    html = css_inline.inline(render_to_string("newsletter/mail/edition.html", context))
    text = render_to_string("newsletter/mail/edition.txt", context)
    return html_packed(html), text


# A packed line's width as it will be sent (character references included), with room
# for the personal link each placeholder becomes (a signed token holding the address).
PACKED_LINE = 600
LINK_ROOM = 450
_NEWLINE_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")  # not \s: it takes no-break spaces too
# Where white space is kept as it is, packing would change the text.
_PREFORMATTED = re.compile(r"<(?:pre|textarea|listing|plaintext)\b|white-space\s*:\s*pre", re.IGNORECASE)
# C1 controls: as character references, HTML reads them as Windows-1252 ("&#150;" is a dash).
_C1_CONTROLS = re.compile("[\x80-\x9f]")


def _sent_width(line: str) -> int:
    placeholders = line.count(PREFERENCES_PLACEHOLDER) + line.count(UNSUBSCRIBE_PLACEHOLDER)
    return len(line.encode("ascii", "xmlcharrefreplace")) + LINK_ROOM * placeholders


def html_packed(html: str) -> str:
    """The HTML in few lines: the template's indentation dropped and its lines joined up
    to PACKED_LINE characters. A newline and a space are the same white space to HTML
    outside preformatted text (left as it is), so the mail looks the same; it is
    smaller, and a receiving server reads a mail line by line."""
    if _PREFORMATTED.search(html):
        return html
    lines, current = [], ""
    for line in _NEWLINE_RUN.sub("\n", html.strip(" \t\r\n")).split("\n"):
        if current and _sent_width(current) + 1 + _sent_width(line) > PACKED_LINE:
            lines.append(current)
            current = line
        else:
            current = f"{current} {line}" if current else line
    lines.append(current)
    return "\n".join(lines) + "\n"


def personalised(body: str, *, preferences_url: str, unsubscribe_url: str) -> str:
    return body.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)


def _quoted_printable(text: str) -> bytes:
    return binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# SMTP's limit on a line: 998 octets and the CRLF (RFC 5322 2.1.1).
MAX_LINE = 998
_HTML_AS_IS = b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
_HTML_QUOTED = b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"


def _html_part(html: str) -> list[bytes]:
    """The HTML part's headers and body. Characters beyond ASCII become character
    references (the same text to any mail client), so the body is 7-bit and goes as it
    is: no "=3D" for every "=" of the inlined styles, and a third of the lines, each of
    which a receiving server reads on its own. Quoted-printable only when a line would
    pass SMTP's limit."""
    body = _C1_CONTROLS.sub("", html).encode("ascii", "xmlcharrefreplace").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if max(map(len, body.split(b"\n"))) > MAX_LINE:
        return [_HTML_QUOTED, _quoted_printable(html)]
    return [_HTML_AS_IS, body.replace(b"\n", b"\r\n")]


@dataclass(frozen=True)
class Recipient:
    """What a mail needs of a subscriber (links.make_token reads pk, email, link_version)."""

    pk: int
    email: str
    link_version: int


class MailTemplate:
    """One edition's mail, ready to be made per subscriber."""

    def __init__(self, edition, *, sender: Sender | None = None):
        newsletter_list = edition.newsletter_list
        self.edition_id = edition.pk
        self.sender = sender or sender_for(newsletter_list.site)
        self.subject = edition.subject.replace("\r", " ").replace("\n", " ")
        self.html = edition.rendered_html
        self.text = edition.rendered_text
        self.boundary = f"=_masthead_{secrets.token_hex(12)}"
        common = PyEmailMessage(policy=email.policy.SMTP)
        common["From"] = self.sender.header
        common["Subject"] = self.subject
        self.list_id = f"{newsletter_list.name} <{newsletter_list.slug}.{site_domain()}>"
        common["List-Id"] = self.list_id
        common["Precedence"] = "bulk"
        common["MIME-Version"] = "1.0"
        common["Content-Type"] = f'multipart/alternative; boundary="{self.boundary}"'
        head = common.as_bytes()
        self.common_headers = head[: head.index(b"\r\n\r\n") + 2]
        self.date = formatdate(localtime=False).encode()

    def links_for(self, recipient: Recipient) -> tuple[str, str]:
        return links.absolute_url(recipient, "preferences"), links.absolute_url(recipient, "unsubscribe")

    def message_id(self, recipient: Recipient) -> str:
        return message_id(self.edition_id, recipient.pk)

    def as_bytes(self, recipient: Recipient, address: str) -> bytes:
        """The whole mail, CRLF line ends and dot-stuffed for SMTP's DATA (without the
        final "." line). `address` is the recipient as the envelope has it (ASCII)."""
        preferences_url, unsubscribe_url = self.links_for(recipient)
        text = personalised(self.text, preferences_url=preferences_url, unsubscribe_url=unsubscribe_url)
        html = personalised(self.html, preferences_url=preferences_url, unsubscribe_url=unsubscribe_url)
        boundary = self.boundary.encode()
        parts = [
            self.common_headers,
            b"To: ", address.encode("ascii"), b"\r\n",
            b"Date: ", self.date, b"\r\n",
            b"Message-ID: ", self.message_id(recipient).encode("ascii"), b"\r\n",
            b"List-Unsubscribe: <", unsubscribe_url.encode("ascii"), b">\r\n",
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            b"\r\n--", boundary, b"\r\n",
            b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
            _quoted_printable(text),
            b"\r\n--", boundary, b"\r\n",
            *_html_part(html),
            b"\r\n--", boundary, b"--\r\n",
        ]  # fmt: skip
        return _LINE_START_DOT.sub(b"..", b"".join(parts))

    def as_django_message(self, recipient: Recipient, address: str):
        """The same mail as a Django message, for a backend that is not SMTP (files in
        development, an anymail provider API, the test outbox)."""
        from django.core.mail import EmailMultiAlternatives

        preferences_url, unsubscribe_url = self.links_for(recipient)
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=personalised(self.text, preferences_url=preferences_url, unsubscribe_url=unsubscribe_url),
            from_email=self.sender.header,
            to=[address],
            headers={
                "Message-ID": self.message_id(recipient),
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": self.list_id,
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(
            personalised(self.html, preferences_url=preferences_url, unsubscribe_url=unsubscribe_url), "text/html"
        )
        return message
