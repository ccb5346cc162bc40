"""Inbound mail posted by Mailgun: a route's forward() to <site>/mail/mailgun/mime.

A forward URL that ends in "mime" makes Mailgun post the message as it came
(`body-mime`) with `recipient`, `timestamp`, `token` and `signature`: the hex
HMAC-SHA256 of timestamp + token under the webhook signing key. A wrong
signature is a 403; so is a timestamp too far from now or a token seen before (a
replayed request). Mailgun retries any answer but 200 and 406; a request without
a message is a 406, never retried. What a message says decides nothing here:
services.receive() handles it as it would from the mailbox.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import Source

# Mailgun signs each request as it sends it: an older one is a replay.
MAX_AGE_SECONDS = 5 * 60


def signature_ok(key: str, timestamp: str, token: str, signature: str) -> bool:
    expected = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    # Bytes: compare_digest refuses str with non-ASCII characters, which anyone may post.
    return hmac.compare_digest(expected.encode(), signature.lower().encode())


def _fresh(timestamp: str) -> bool:
    try:
        return abs(time.time() - int(timestamp)) <= MAX_AGE_SECONDS
    except ValueError:
        return False


@csrf_exempt
@require_POST
def mailgun(request):
    key = settings.INBOUND_MAILGUN_SIGNING_KEY
    if not key:
        raise Http404
    timestamp = request.POST.get("timestamp", "")
    token = request.POST.get("token", "")
    signature = request.POST.get("signature", "")
    if not (timestamp and token and signature) or not signature_ok(
        key, timestamp, token, signature
    ):
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    if not _fresh(timestamp):
        return HttpResponse("stale timestamp", status=403, content_type="text/plain")
    # Each token once, for as long as its timestamp would pass.
    if not cache.add(f"mailin:mailgun:{token[:100]}", True, 2 * MAX_AGE_SECONDS):
        return HttpResponse("replayed", status=403, content_type="text/plain")
    raw = request.POST.get("body-mime", "")
    if not raw.strip():
        return HttpResponse("no body-mime", status=406, content_type="text/plain")
    recipient = request.POST.get("recipient", "")
    mail = services.receive(
        raw.encode("utf-8", errors="surrogateescape"),
        source=Source.WEBHOOK,
        envelope_recipients=[r.strip() for r in recipient.split(",") if r.strip()],
    )
    return JsonResponse({"outcome": mail.outcome if mail else "duplicate"})
