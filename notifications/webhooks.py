"""The generic outbound channel: an organisation's public events, POSTed as signed JSON.

Each organisation may register endpoints (admin → Webhook endpoints). Every
public event of the organisation becomes one WebhookDelivery per active
endpoint (notifications.fanout); internal events never do. A delivery is one
HTTP POST of a JSON body like this one, in the organisation's language:

    {
      "id": 4711,                          # the event: the same on every retry
      "type": "ticket_replied",            # the verb (its app's plugin.py)
      "kind": "ticket_replied",            # its group, as in the preferences
      "occurred_at": "2026-03-02T14:05:09Z",
      "organisation": "andes",             # the organisation's slug
      "language": "es",
      "text": "Ana respondió en TKT-2026-00042",
      "url": "https://portal.example.com/tickets/TKT-2026-00042/#comment-9",
      "ticket": {"number": "TKT-2026-00042", "subject": "Router down"},  # its subject
      "excerpt": "We have replaced the line card..."   # public replies only, else null
    }

Headers: `X-Portal-Event` (the type), `X-Portal-Delivery` (the delivery's id),
`X-Portal-Timestamp` (Unix seconds at sending) and `X-Portal-Signature`:
"sha256=" + the hex HMAC-SHA256 of "<timestamp>.<body>", keyed with the
endpoint's secret (its text as shown in the admin, UTF-8). A receiver checks
the raw body before parsing it, and refuses old timestamps so that a captured
request cannot be replayed:

```python
import hashlib, hmac, time
def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    signed = headers["X-Portal-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(headers["X-Portal-Timestamp"])) <= tolerance
    return fresh and hmac.compare_digest(expected, headers["X-Portal-Signature"])
```

Delivery is at least once: a receiver that answered 2xx after a worker died
may get the same delivery again, so it should ignore an `id` it has seen.
Answers: 2xx is sent; 429, 5xx, a timeout (WEBHOOK_TIMEOUT_SECONDS) or no
connection is retried with backoff (a Retry-After header is honoured, capped
at NOTIFICATION_RETRY_MAX_SECONDS) until NOTIFICATION_MAX_ATTEMPTS, then
failed; any other answer (4xx, or a redirect: none is followed) fails at once
with the status as its reason. Failed deliveries stay in the admin with their
reason, and a supervisor can send them again.

Outbound requests and SSRF: the URL is set by supervisors in the admin and
must be http or https, without credentials (check_url); localhost is allowed
(tests need it) and redirects are never followed. A production deployment
should also keep webhook traffic away from its own network: send it through
an egress proxy (urllib honours HTTPS_PROXY) that refuses private, loopback
and link-local addresses (cloud metadata at 169.254.169.254 included), or
firewall the workers the same way.
"""

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import plugins

from . import delivery
from .channels.base import TemporaryFailure
from .models import WebhookDelivery, WebhookEndpoint
from .render import render

log = logging.getLogger(__name__)

USER_AGENT = "support-portal-webhooks/1"
SCHEMES = ("http", "https")


# --- Endpoints ---------------------------------------------------------------


def check_url(url: str) -> None:
    """Refuse anything but an http(s) URL with a host (file:, ftp:, gopher: ...)."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in SCHEMES or not parts.hostname or not _valid_port(parts):
        raise ValidationError(
            _("Enter an address that starts with http:// or https://."), code="scheme"
        )
    if parts.username or parts.password:
        # urllib would not send them, and the signature already proves the sender.
        raise ValidationError(
            _("Leave the user name and password out of the address."), code="credentials"
        )


def _valid_port(parts) -> bool:
    try:
        parts.port  # noqa: B018 (the property raises on a port out of range)
    except ValueError:
        return False
    return True


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new signing secret; deliveries not sent yet are signed with it."""
    endpoint.secret = secrets.token_hex()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=endpoint.secret)
    return endpoint.secret


# --- What is sent ------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class _OrganisationReader:
    """Who reads a webhook: the organisation itself, as a client, in its own language."""

    language: str
    is_staff: bool = False
    display_name: str = ""
    email: str = ""


def payload(event) -> dict:
    """The event as the organisation's receivers read it; public content only (see render)."""
    organisation = event.organisation
    reader = _OrganisationReader(language=organisation.default_language)
    message = render(event, reader)
    verb = plugins.verbs().get(event.verb)
    body = {
        "id": event.pk,
        "type": event.verb,
        "kind": verb.kind if verb else None,
        "occurred_at": event.created_at.astimezone(UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
        "organisation": organisation.slug,
        "language": reader.language,
        "text": message.headline,
        "url": message.url,
        "ticket": None,
        "excerpt": message.excerpt or None,
    }
    if message.number:
        # What the event is about, under its subject's key ("ticket").
        body[message.subject_key] = {"number": message.number, "subject": message.subject_line}
    return body


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def headers_for(row, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Portal-Event": row.event.verb,
        "X-Portal-Delivery": str(row.pk),
        "X-Portal-Timestamp": timestamp,
        "X-Portal-Signature": sign(row.endpoint.secret, timestamp, body),
    }


# --- The one HTTP client -----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    retry_after: str | None = None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as an HTTPError: a webhook is never re-sent elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST once and return the answer, whatever its status.

    Raises OSError (refused, timed out, TLS) or http.client.HTTPException
    (garbled answer) when there was no answer to read.
    """
    # send_delivery has checked the scheme (check_url): http or https only.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return Answer(response.status, response.reason or "")
    except urllib.error.HTTPError as exc:
        with exc:
            return Answer(exc.code, str(exc.reason or ""), exc.headers.get("Retry-After"))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now, within our cap."""
    if not value:
        return None
    value = value.strip()
    if value.isdecimal():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or timezone.now())).total_seconds()
    return min(max(seconds, 1.0), settings.NOTIFICATION_RETRY_MAX_SECONDS)


# --- Sending one delivery ------------------------------------------------------


def _refusal(row) -> str:
    """Why this row must not be sent at all, or ''."""
    if row.event.is_internal:
        return "internal event: never sent to a webhook"
    if row.event.organisation_id != row.endpoint.organisation_id:
        return "the event belongs to another organisation"
    if not row.endpoint.is_active:
        return "the endpoint was switched off"
    try:
        check_url(row.endpoint.url)
    except ValidationError as exc:
        return "the endpoint's URL is refused: " + " ".join(exc.messages)
    return ""


def send_delivery(pk: int) -> float | None:
    """POST one delivery if this worker claims it; return the delay before a retry, if due."""
    row = delivery.claim(WebhookDelivery, pk)
    if row is None:
        return None
    row = WebhookDelivery.objects.select_related("event__organisation", "endpoint").get(pk=pk)
    refusal = _refusal(row)
    if refusal:
        delivery.mark_failed(row, refusal)
        return None
    try:
        body = encode(payload(row.event))
        answer = post(row.endpoint.url, body, headers_for(row, body))
    except (OSError, http.client.HTTPException) as exc:
        log.info("webhook delivery %s: no answer: %s", pk, exc)
        failure = TemporaryFailure(f"no answer: {_describe_error(exc)}")
        return delivery.mark_retry(row, failure, response_status=None)
    except Exception as exc:
        log.exception("webhook delivery %s: unexpected error", pk)
        failure = TemporaryFailure(f"{type(exc).__name__}: {exc}")
        return delivery.mark_retry(row, failure, response_status=None)
    return _record(row, answer)


def _record(row, answer: Answer) -> float | None:
    reason = f"HTTP {answer.status} {answer.reason}".strip()
    if 200 <= answer.status < 300:
        delivery.mark_sent(row, response_status=answer.status)
        return None
    if answer.status == 429 or answer.status >= 500:
        # A 429 uses up an attempt too: an endpoint that always asks us to wait
        # must end as failed, not keep its delivery alive for ever.
        failure = TemporaryFailure(reason, retry_after=retry_after_seconds(answer.retry_after))
        log.info("webhook delivery %s: will retry: %s", row.pk, reason)
        return delivery.mark_retry(row, failure, response_status=answer.status)
    if 300 <= answer.status < 400:
        reason += " (redirects are not followed: set the final URL)"
    log.warning("webhook delivery %s: failed: %s", row.pk, reason)
    delivery.mark_failed(row, reason, response_status=answer.status)
    return None


def _describe_error(exc: Exception) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, Exception) else exc
    return f"{type(exc).__name__}: {exc}"
