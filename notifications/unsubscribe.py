"""One-click unsubscribe from e-mails (RFC 8058): a signed link made for one recipient.

A ticket's e-mail carries a link that mutes that ticket for its recipient; any
other e-mail, one that stops e-mails of its kind. The link is the credential:
it works without logging in, for the one user and the one ticket (or kind) it
was made for, and a tampered link is a 404. GET only asks to confirm, so a mail
scanner that opens links changes nothing; the POST (the page's button, or the
mail client's one-click request) does.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from activity.verbs import KINDS
from core import i18n

from .models import Channel, Preference

SALT = "notifications.unsubscribe"


def token(user, *, number: str = "", kind: str = "") -> str:
    payload = {"u": user.pk, "t": number} if number else {"u": user.pk, "k": kind}
    return signing.dumps(payload, salt=SALT, compress=True)


def url(user, message) -> str:
    """The link for `user` under `message` (render.Message): its ticket, else its kind."""
    value = token(user, number=message.number, kind=message.kind)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[value])


def _read(value):
    """(user, ticket or None, kind) named by a genuine token; anything else is a 404."""
    from tickets.models import Ticket

    try:
        payload = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(payload, dict):
        raise Http404
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None:
        raise Http404
    if payload.get("t"):
        ticket = Ticket.objects.filter(number=payload["t"]).only("pk", "number").first()
        if ticket is None:
            raise Http404
        return user, ticket, ""
    if payload.get("k") in KINDS:
        return user, None, payload["k"]
    raise Http404


@csrf_exempt  # the token is the credential; mail clients POST without a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user, ticket, kind = _read(token)
    context = {"ticket": ticket, "kind": KINDS.get(kind), "token": token}
    # Whoever opens the link is its recipient, seldom signed in: their language,
    # not the browser's.
    with i18n.override_for(user):
        return _answer(request, user, ticket, kind, context)


def _answer(request, user, ticket, kind, context):
    if request.method == "POST":
        if ticket is not None:
            from tickets.services import ticket_mute

            ticket_mute(ticket=ticket, user=user, muted=True)
        else:
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=Channel.EMAIL, defaults={"enabled": False}
            )
        return render(request, "notifications/unsubscribe.html", {**context, "done": True})
    return render(request, "notifications/unsubscribe.html", context)
