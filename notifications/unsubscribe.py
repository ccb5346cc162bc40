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

from core import i18n, plugins

from .models import Channel, Preference

SALT = "notifications.unsubscribe"


def token(user, *, number: str = "", kind: str = "", subject: str = "") -> str:
    """`number`: the reference of the subject (`subject`, a key of core.plugins) to mute."""
    payload = {"u": user.pk, "t": number, "s": subject} if number else {"u": user.pk, "k": kind}
    return signing.dumps(payload, salt=SALT, compress=True)


def url(user, message) -> str:
    """The link for `user` under `message` (render.Message): its subject, else its kind."""
    value = token(user, number=message.number, kind=message.kind, subject=message.subject_key)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[value])


def _read(value):
    """(user, (subject, object) or None, kind) named by a genuine token; else a 404."""
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
        # Links sent before they named their subject's kind: whichever subject has it.
        keys = [payload["s"]] if payload.get("s") else list(plugins.subjects())
        for key in keys:
            about = plugins.subjects().get(key)
            found = about.load([payload["t"]]).get(payload["t"]) if about else None
            if found is not None and about.mute is not None:
                return user, (about, found), ""
        raise Http404
    if payload.get("k") in plugins.kinds():
        return user, None, payload["k"]
    raise Http404


def _mute_page(subject):
    """The mute page's words for a subject, with its reference in them; None for a kind."""
    if subject is None:
        return None
    about, found = subject
    number = {"number": getattr(found, about.data_key)}
    texts = about.mute_texts
    return {
        "link": texts.link,
        "question": texts.question % number,
        "explained": texts.explained,
        "done": texts.done % number,
        "done_explained": texts.done_explained,
    }


@csrf_exempt  # the token is the credential; mail clients POST without a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user, subject, kind = _read(token)
    # Whoever opens the link is its recipient, seldom signed in: their language,
    # not the browser's.
    with i18n.override_for(user):
        context = {
            "subject": _mute_page(subject),
            "kind": plugins.kinds().get(kind),
            "token": token,
        }
        return _answer(request, user, subject, kind, context)


def _answer(request, user, subject, kind, context):
    if request.method == "POST":
        if subject is not None:
            about, found = subject
            about.mute(found, user)
        else:
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=Channel.EMAIL, defaults={"enabled": False}
            )
        return render(request, "notifications/unsubscribe.html", {**context, "done": True})
    return render(request, "notifications/unsubscribe.html", context)
