"""Links from "Notify of" mail: confirm, stop this thread, stop all threads, and the
RFC 8058 one-click unsubscribe. None is ever cached (each answers one reader's token).

A GET only shows a page with a button; the change happens on POST. Mail scanners and
link previews fetch every GET link in a mail, and must not confirm or stop anything.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from masthead.comments import notifications
from masthead.comments.notifications import BadToken

BAD_LINK = "This link is broken or has expired. Links in our mails work as they were sent; copy the whole address."


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _bad_link(request) -> HttpResponse:
    return _private(render(request, "400.html", {"reason": BAD_LINK}, status=400))


def _not_allowed(request) -> HttpResponse:
    response = render(request, "400.html", {"reason": "This address takes only GET and POST."}, status=405)
    response["Allow"] = "GET, HEAD, POST"
    return _private(response)


def confirm(request, token: str):
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed(request)
    try:
        if request.method == "POST":
            subscription = notifications.subscription_confirm(token=token)
            done = True
        else:
            subscription, _ = notifications.subscription_for_confirm_token(token)
            done = False
    except BadToken:
        return _bad_link(request)
    context = {"page": subscription.page, "subscription": subscription, "done": done, "token": token}
    return _private(render(request, "comments/notify/confirm.html", context))


def stop(request, token: str):
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed(request)
    try:
        if request.method == "POST":
            subscription = notifications.subscription_stop(token=token)
            done = True
        else:
            subscription = notifications.subscription_for_stop_token(token)
            done = False
    except BadToken:
        return _bad_link(request)
    context = {
        "page": subscription.page,
        "done": done,
        "token": token,
        "stop_all_token": notifications.stop_all_token(subscription.email),
    }
    return _private(render(request, "comments/notify/stop.html", context))


def stop_all(request, token: str):
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed(request)
    try:
        if request.method == "POST":
            notifications.subscription_stop_all(token=token)
            done = True
        else:
            notifications.email_for_stop_all_token(token)
            done = False
    except BadToken:
        return _bad_link(request)
    return _private(render(request, "comments/notify/stop_all.html", {"done": done, "token": token}))


# Exempt from CSRF on purpose: a mail client's one-click unsubscribe (RFC 8058) POSTs
# `List-Unsubscribe=One-Click` from the mail provider's servers, with no cookie and no
# form of ours. The signed token in the address is the proof of who asks; the POST can
# only stop mail about one thread, never start any.
@csrf_exempt
def unsubscribe(request, token: str):
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed(request)
    if request.method != "POST":
        # Someone opened the header's address in a browser: ask before stopping.
        return stop(request, token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return _private(render(request, "400.html", {"reason": "Expected List-Unsubscribe=One-Click."}, status=400))
    try:
        notifications.subscription_stop(token=token)
    except BadToken:
        return _bad_link(request)
    return _private(HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8"))
