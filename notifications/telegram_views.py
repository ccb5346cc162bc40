"""Linking Telegram from the profile, and the bot's webhook."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.htmx import render_htmx

from . import telegram
from .tasks import reply_after_commit

SECTION = "notifications/_telegram.html#section"


def telegram_context(user) -> dict:
    """What the profile page needs to show the Telegram section (nothing when not configured)."""
    if not telegram.configured():
        return {}
    state = telegram.link_state(user)
    if state["state"] == telegram.BLOCKED_STATE:
        # The profile explains it now: the site-wide banner has done its job.
        telegram.notice_seen(state["link"])
    return {"telegram": state}


def _configured():
    if not telegram.configured():
        raise Http404


def _section(request):
    return render_htmx(request, SECTION, telegram_context(request.user))


@login_required
@require_POST
def link(request):
    _configured()
    url = telegram.telegram_link_start(user=request.user)
    if request.htmx:
        # Shown in place, link included: on a computer the user opens it on their phone.
        return _section(request)
    return redirect(url)


@login_required
@require_POST
def unlink(request):
    _configured()
    unlinked = telegram.telegram_unlink(user=request.user, reply=reply_after_commit)
    if request.htmx:
        return _section(request)
    if unlinked:
        messages.success(request, _("Telegram is unlinked: no more messages will be sent there."))
    return redirect(reverse("accounts:profile") + "#telegram")


@csrf_exempt
@require_POST
def webhook(request):
    """Telegram's POST of one Update. Answered fast; the bot's replies go out from a task."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden()
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return HttpResponseBadRequest()
    if not isinstance(data, dict):
        return HttpResponseBadRequest()
    telegram.handle_update(data, reply=reply_after_commit)
    return HttpResponse()
