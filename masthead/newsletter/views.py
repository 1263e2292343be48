"""Readers' newsletter pages (decision 0010 for the box on cached pages). Thin: the
rules are in services.

Never cached, each answers one reader: /newsletter/ (the form with its CSRF token, and
the answer to its POST), /newsletter/form/ (the same form as a fragment, for the box's
script), and the three pages a mailed link opens (confirm, preferences, unsubscribe).
The cached pages only hold the box: a link to /newsletter/ and a placeholder.
"""

from __future__ import annotations

import secrets

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import Site

from masthead.core import ratelimit
from masthead.core.client import client_ip
from masthead.newsletter import links, selectors, services
from masthead.newsletter.models import NewsletterSettings, SubscriberStatus

SIGNUPS_PER_IP = 20  # per SIGNUP_WINDOW_SECONDS
SIGNUPS_PER_ADDRESS = 3  # requests naming one address, whatever the address's state
SIGNUP_WINDOW_SECONDS = 3600
NEUTRAL_ANSWER = (
    "Check your inbox: if this address can get our newsletter, a message is on its way with a link "
    "to confirm. Nothing is sent to you until you do."
)


def _site(request) -> Site:
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


def _private(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _form_context(request, site, *, data=None, error: services.SignupRefused | None = None, prefix="page"):
    newsletter = NewsletterSettings.for_request(request)
    lists = selectors.public_lists(site)
    if data is not None:
        chosen = {str(slug) for slug in data.getlist("lists")}
    else:
        chosen = {newsletter_list.slug for newsletter_list in lists}  # every list offered, ticked
    return {
        "newsletter": newsletter,
        "lists": lists,
        "chosen": chosen,
        "email": str(data.get("email", ""))[:254] if data is not None else "",
        "error": error,
        "prefix": prefix,
        "open": newsletter.signup_enabled and bool(lists),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """The signup page: the form (GET) and its answer (POST), which is the same for any
    address. The box's form, once a click fetched it, posts here as a plain form; a
    script that asks for JSON gets the same answer as JSON."""
    site = _site(request)
    if request.method == "POST":
        return _signup_post(request, site)
    get_token(request)
    return _private(render(request, "newsletter/signup.html", _form_context(request, site)))


def _refuse(request, site, error: services.SignupRefused, *, status: int):
    if _wants_json(request):
        return _private(JsonResponse({"ok": False, "message": error.message, "field": error.field}, status=status))
    get_token(request)
    context = _form_context(request, site, data=request.POST, error=error)
    return _private(render(request, "newsletter/signup.html", context, status=status))


def _too_many(request, site, message: str):
    response = _refuse(request, site, services.SignupRefused(message, field=""), status=429)
    response["Retry-After"] = str(ratelimit.retry_after(SIGNUP_WINDOW_SECONDS))
    return response


def _signup_post(request, site):
    newsletter = NewsletterSettings.for_request(request)
    if not newsletter.signup_enabled:
        return _refuse(request, site, services.SignupRefused("Signups are closed at the moment.", ""), status=503)
    if not ratelimit.allow(
        "newsletter-signup-ip", client_ip(request), limit=SIGNUPS_PER_IP, window_seconds=SIGNUP_WINDOW_SECONDS
    ):
        return _too_many(request, site, "Too many signups from your network: please try again in an hour.")
    try:
        email = services.clean_email(request.POST.get("email"))
        lists = services.chosen_lists(site, request.POST.getlist("lists"))
    except services.SignupRefused as error:
        return _refuse(request, site, error, status=400)
    # Counted for every address alike, so the refusal says nothing about its state.
    if not ratelimit.allow(
        "newsletter-signup-address", email.lower(), limit=SIGNUPS_PER_ADDRESS, window_seconds=SIGNUP_WINDOW_SECONDS
    ):
        return _too_many(
            request,
            site,
            "This address was entered several times in the last hour. Please look for our message in your "
            "inbox (and spam folder), or try again in an hour.",
        )
    services.subscriber_signup(site=site, email=email, lists=lists, consent_text=newsletter.consent_text)
    if _wants_json(request):
        return _private(JsonResponse({"ok": True, "message": NEUTRAL_ANSWER}))
    return _private(render(request, "newsletter/signup.html", {"done": True, "message": NEUTRAL_ANSWER}))


@require_safe
def form_fragment(request):
    """The form alone, with its CSRF token, for the box on a cached page. Its ids get a
    random part: an article's sidebar box and its end box may both be opened."""
    get_token(request)
    context = _form_context(request, _site(request), prefix=secrets.token_hex(3))
    return _private(render(request, "newsletter/includes/form_fragment.html", context))


# Pages a mailed link opens ----------------------------------------------------------


def _bad_link(request, error: links.BadLink, *, purpose: str):
    status = 410 if error.expired else 400
    context = {"reason": str(error), "expired": error.expired, "purpose": purpose}
    return _private(render(request, "newsletter/bad_link.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """GET shows a button; only its POST confirms (mail scanners open every link)."""
    try:
        subscriber = services.subscriber_for_confirmation(token)
        # What the reader agrees to by confirming: what they saw when they signed up, or
        # (an address an editor imported without consent) the site's statement, shown here.
        consent_text = subscriber.consent_text or NewsletterSettings.for_site(subscriber.site).consent_text
        if request.method == "POST":
            subscriber = services.subscriber_confirm(token=token, consent_text=consent_text)
            done = True
        else:
            done = subscriber.status == SubscriberStatus.CONFIRMED
    except links.BadLink as error:
        return _bad_link(request, error, purpose="confirm")
    context = {
        "subscriber": subscriber,
        "consent_text": consent_text,
        "done": done,
        "token": token,
        "lists": list(subscriber.lists.order_by("position", "name")),
        "preferences_url": links.path(subscriber, "preferences") if done else "",
    }
    return _private(render(request, "newsletter/confirm.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token: str):
    try:
        subscriber = selectors.subscriber_for_token(token, "preferences")
    except links.BadLink as error:
        return _bad_link(request, error, purpose="preferences")
    site = subscriber.site
    newsletter = NewsletterSettings.for_site(site)
    message, error, status = "", None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "lists":
                chosen = request.POST.getlist("lists")
                lists = services.chosen_lists(site, chosen) if chosen else []
                services.subscriber_preferences_save(
                    subscriber=subscriber, lists=lists, consent_text=newsletter.consent_text
                )
                message = "Your newsletters are saved." if lists else "You are unsubscribed from every newsletter."
            elif action == "pause":
                services.subscriber_pause(subscriber=subscriber, period=request.POST.get("pause", ""))
                message = "Your newsletters are paused." if subscriber.paused_until else "Your newsletters resume."
            elif action == "unsubscribe":
                services.subscriber_unsubscribe(subscriber=subscriber)
                message = "You are unsubscribed from every newsletter. Nothing more will be sent to you."
            else:
                raise services.SignupRefused("Choose what to change.", field="")
        except services.SignupRefused as refusal:
            error, status = refusal, 400
        subscriber.refresh_from_db()
    context = {
        "subscriber": subscriber,
        "lists": selectors.public_lists(site),
        "chosen": selectors.subscribed_list_ids(subscriber),
        "message": message,
        "error": error,
        "paused": subscriber.paused_until is not None and subscriber.paused_until >= timezone.localdate(),
        "paused_indefinitely": subscriber.paused_until == services.PAUSED_INDEFINITELY,
        "unsubscribe_url": links.path(subscriber, "unsubscribe"),
    }
    return _private(render(request, "newsletter/preferences.html", context, status=status))


# Exempt from CSRF on purpose, for RFC 8058's one-click POST only: a mail provider's
# servers POST `List-Unsubscribe=One-Click` with no cookie and no form of ours. The
# signed token in the address proves who asks, and the POST can only stop mail. Any
# other POST here is the unsubscribe page's own button, checked as every form is.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        try:
            services.subscriber_unsubscribe_by_token(token=token)
        except links.BadLink as error:
            return _private(HttpResponse(f"{error}\n", status=410 if error.expired else 400, content_type="text/plain"))
        return _private(HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8"))
    return _unsubscribe_page(request, token)


@csrf_protect
def _unsubscribe_page(request, token: str):
    try:
        if request.method == "POST":
            subscriber = services.subscriber_unsubscribe_by_token(token=token)
        else:
            subscriber = selectors.subscriber_for_token(token, "unsubscribe")
    except links.BadLink as error:
        return _bad_link(request, error, purpose="unsubscribe")
    context = {
        "subscriber": subscriber,
        "done": subscriber.status == SubscriberStatus.UNSUBSCRIBED,
        "token": token,
        "preferences_url": links.path(subscriber, "preferences"),
    }
    return _private(render(request, "newsletter/unsubscribe.html", context))
