"""Readers' donation endpoints (decision 0014). Thin: rules are in services.

Public and cacheable: /donate/, the result pages (thank you, pending, cancelled). Short-
lived: the campaign's progress. Never cached: the form with its CSRF token
(/donations/give/), the token for the script, every POST, PayPal's return (it captures)
and the declined page (it links to this reader's order).
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Site

from masthead.core import ratelimit
from masthead.core.client import client_ip
from masthead.donations import selectors, services
from masthead.donations.models import format_money
from masthead.donations.providers.base import ProviderError, ProviderUnavailable
from masthead.pagecache.public import mark_public, mark_short_lived

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 60
STARTS_PER_IP = 10  # orders one address may create per STARTS_WINDOW_SECONDS
STARTS_WINDOW_SECONDS = 600
MAX_WEBHOOK_BYTES = 256 * 1024
# Each notification costs a call to PayPal's verify-signature API: an address whose
# notifications PayPal refused this often in a window is answered 429 without asking
# PayPal again. Only refusals count, so PayPal's own deliveries are never held back (and
# a 429 would only make PayPal send again later).
REFUSED_WEBHOOKS_PER_IP = 20
REFUSED_WEBHOOKS_WINDOW_SECONDS = 600


def _site(request) -> Site:
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


# Where the reader approves a payment. A form's POST that is answered with a redirect to
# another site is held to the page's CSP form-action, so the form page allows PayPal.
PAYPAL_APPROVAL_ORIGINS = ("https://www.paypal.com", "https://www.sandbox.paypal.com")


def _allow_paypal_form_action(response):
    origins = list(PAYPAL_APPROVAL_ORIGINS)
    if django_settings.PAYPAL_SANDBOX_LOCAL:
        parts = urlsplit(django_settings.PAYPAL_API_BASE)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    response._csp_config = {**django_settings.SECURE_CSP, "form-action": [CSP.SELF, *origins]}
    return response


def _private(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _donations(request) -> selectors.SiteDonations:
    return selectors.site_donations(_site(request), request=request)


def chosen_amount(data) -> str:
    """A preset button's amount, or the typed one when "Other" (or nothing) is chosen."""
    preset = str(data.get("amount", "")).strip()
    return str(data.get("other_amount", "")).strip() if preset in ("", "other") else preset


def _chooser_context(donations: selectors.SiteDonations, *, amount: str = "", currency: str = "") -> dict:
    settings, rules = donations.settings, donations.rules
    chosen = currency if currency in rules else donations.first_currency
    rule = rules[chosen]
    amount = amount or f"{rule.default_amount.normalize():f}"
    return {
        "donation_settings": settings,
        "rules": list(rules.values()),
        "rule": rule,
        "chosen_currency": chosen,
        "chosen_amount": amount,
        "chosen_is_preset": amount in {f"{p.normalize():f}" for p in rule.presets},
        "rules_json": json.dumps(
            {
                r.currency: {
                    "min": f"{r.minimum.normalize():f}",
                    "max": f"{r.maximum.normalize():f}",
                    "presets": [f"{p.normalize():f}" for p in r.presets],
                }
                for r in rules.values()
            }
        ),
        "quick_label": format_money(settings.quick_amount, settings.quick_currency),
        "enabled": django_settings.DONATIONS_ENABLED and settings.enabled,
        "demo_payments": django_settings.PAYPAL_SANDBOX_LOCAL,
    }


@require_safe
def donate(request):
    """The full donate page: cacheable, with a GET form that leads to the token-bearing
    form page (no token in cached HTML, decision 0010)."""
    response = render(request, "donations/donate.html", _chooser_context(_donations(request)))
    return mark_public(request, response)


def _give_context(request, donations, *, quick: bool, error: services.DonationRefused | None = None):
    data = request.POST if request.method == "POST" else request.GET
    context = _chooser_context(donations, amount=chosen_amount(data)[:20], currency=str(data.get("currency", "")))
    context.update(
        {
            "quick": quick,
            "error": error,
            "name": str(data.get("name", ""))[: services.MAX_NAME],
            "email": str(data.get("email", ""))[:254],
            "message": str(data.get("message", ""))[: services.MAX_MESSAGE],
            "anonymous": bool(data.get("anonymous")),
        }
    )
    return context


@require_safe
def give(request):
    """The form with its CSRF token, pre-filled from the chooser: never cached."""
    get_token(request)
    context = _give_context(request, _donations(request), quick=request.GET.get("quick") == "1")
    return _allow_paypal_form_action(_private(render(request, "donations/give.html", context)))


@require_safe
def token(request):
    """A CSRF token for the script's POST (the quick donate button on cached pages)."""
    return _private(JsonResponse({"csrf": get_token(request)}))


def _refuse(request, donations, message: str, *, status: int, quick: bool = False, field: str = ""):
    if _wants_json(request):
        return _private(JsonResponse({"ok": False, "message": message, "field": field}, status=status))
    error = services.DonationRefused(message, field)
    context = _give_context(request, donations, quick=quick, error=error)
    get_token(request)
    return _allow_paypal_form_action(_private(render(request, "donations/give.html", context, status=status)))


@require_POST
def start(request):
    """Create the order and send the reader to PayPal (303, or JSON for the script)."""
    donations = _donations(request)
    settings = donations.settings
    quick = request.POST.get("quick") == "1"
    if not (django_settings.DONATIONS_ENABLED and settings.enabled):
        return _refuse(request, donations, "Donations are not open at the moment.", status=503, quick=quick)
    if not ratelimit.allow(
        "donation-start", client_ip(request), limit=STARTS_PER_IP, window_seconds=STARTS_WINDOW_SECONDS
    ):
        response = _refuse(
            request,
            donations,
            "Too many attempts from your network: please wait a few minutes.",
            status=429,
            quick=quick,
        )
        response["Retry-After"] = str(ratelimit.retry_after(STARTS_WINDOW_SECONDS))
        return response
    if quick:
        # The amount and currency are the site's, whatever the request says.
        amount_raw, currency_raw = settings.quick_amount, settings.quick_currency
    else:
        amount_raw, currency_raw = chosen_amount(request.POST), request.POST.get("currency")
    try:
        donor = services.Donor.from_input(
            name=request.POST.get("name"),
            email=request.POST.get("email"),
            message=request.POST.get("message"),
            anonymous=request.POST.get("anonymous") in ("1", "on", "true"),
        )
        donation = services.donation_start(
            site_id=_site(request).pk, settings=settings, amount_raw=amount_raw, currency_raw=currency_raw, donor=donor
        )
    except services.DonationRefused as refusal:
        return _refuse(request, donations, refusal.message, status=400, quick=quick, field=refusal.field)
    except ProviderError as error:
        logger.warning("Donation not started: %s", error)
        return _refuse(
            request,
            donations,
            "PayPal could not be reached just now. Nothing was charged: please try again.",
            status=503,
            quick=quick,
        )
    if _wants_json(request):
        return _private(JsonResponse({"ok": True, "redirect": donation.approve_url}))
    return _private(HttpResponseRedirect(donation.approve_url, status=303))


@require_safe
def paypal_return(request):
    """PayPal sends the reader here after approval (?token=<order id>): capture, then
    show how it went. A GET because PayPal redirects; repeating it changes nothing."""
    order_id = request.GET.get("token", "")
    try:
        donation = services.donation_capture(order_id=order_id)
    except services.UnknownOrder:
        return _private(render(request, "donations/result.html", {"result": "unknown"}, status=404))
    except services.IllegalTransition:
        # A webhook settled it differently at the same moment (e.g. refunded already).
        donation = services.donation_for_order(order_id)
    except services.Declined as declined:
        return _private(
            render(
                request,
                "donations/result.html",
                {"result": "declined", "retry_url": declined.retry_url, "donation": declined.donation},
            )
        )
    except ProviderUnavailable:
        # Approved at PayPal but not captured yet: reconcile finishes it within minutes.
        return _private(render(request, "donations/result.html", {"result": "unconfirmed"}, status=503))
    except ProviderError as error:
        logger.error("Donation capture for order %r failed: %s", order_id, error)
        return _private(render(request, "donations/result.html", {"result": "failed"}, status=502))
    target = {"completed": "/donations/thank-you/", "pending": "/donations/pending/"}.get(donation.state)
    if target is None:
        return _private(render(request, "donations/result.html", {"result": "failed"}, status=409))
    return _private(HttpResponseRedirect(target, status=303))


@require_safe
def paypal_cancel(request):
    """The reader cancelled at PayPal. Nothing to change: an order nobody approves is
    abandoned by reconcile after a day."""
    return HttpResponseRedirect("/donations/cancelled/", status=303)


@require_safe
def result_page(request, result: str):
    response = render(request, "donations/result.html", {"result": result})
    return mark_public(request, response)


@require_safe
def progress(request):
    """The campaign's bar: short-lived, so donations never purge a page."""
    site = _site(request)
    settings = selectors.site_donations(site, request=request).settings
    found = selectors.campaign_progress(site_id=site.pk, settings=settings) if settings.enabled else None
    response = render(request, "donations/includes/progress.html", {"progress": found})
    response = mark_short_lived(request, response, seconds=PROGRESS_SECONDS)
    if response.status_code == 200:
        response["Cache-Control"] = f"public, max-age={PROGRESS_SECONDS}, s-maxage={PROGRESS_SECONDS}"
    return response


@csrf_exempt  # PayPal cannot send our token: the provider verifies the signature instead
@require_POST
def paypal_webhook(request):
    """PayPal's notifications, verified with PayPal against the raw body. PayPal stops on
    a 2xx and sends again, for days, anything else. A verified one gets 200 whether or not
    it changes anything; one PayPal does not confirm gets 400 and counts against its
    sender's address; one about a capture no donation has yet, or an unreachable PayPal,
    gets 503, so PayPal sends it again."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if not length.isascii() or not length.isdigit() or int(length) > MAX_WEBHOOK_BYTES:
        return HttpResponse("too large", status=413, content_type="text/plain")
    sender = client_ip(request)
    window = REFUSED_WEBHOOKS_WINDOW_SECONDS
    if ratelimit.seen("webhook-refused", sender, window_seconds=window) >= REFUSED_WEBHOOKS_PER_IP:
        response = HttpResponse("too many refused notifications", status=429, content_type="text/plain")
        response["Retry-After"] = str(ratelimit.retry_after(window))
        return response
    raw = request.body
    try:
        outcome = services.webhook_receive(headers=request.headers, raw_body=raw)
    except services.WebhookRejected:
        ratelimit.hits("webhook-refused", sender, window_seconds=window)
        return HttpResponse("not verified", status=400, content_type="text/plain")
    except services.WebhookTooEarly:
        return HttpResponse("no donation for this yet", status=503, content_type="text/plain")
    except ProviderError as error:
        logger.warning("Webhook not verified now (%s): PayPal will send it again", error)
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")
