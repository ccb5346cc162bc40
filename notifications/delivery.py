"""Send each delivery row at most once per claim, and retry until it is sent or failed.

A row moves pending → sending (claimed by one worker in one UPDATE) → sent,
or → retrying (with `next_attempt_at`) → sending ..., or → failed after
NOTIFICATION_MAX_ATTEMPTS or a permanent error. Two workers handed the same
id (a retry and the sweep) race for the claim and only one sends.

The one window left is a worker killed after the provider accepted a message
and before the row says `sent`: the sweep gives the claim back after
NOTIFICATION_CLAIM_TIMEOUT_SECONDS and the message goes again. No provider
here offers an idempotency key; an e-mail keeps its Message-ID, so mail
clients show such a duplicate once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .channels import get as get_channel
from .channels.base import PermanentFailure, TemporaryFailure
from .models import DeliveryStatus

log = logging.getLogger(__name__)

ERROR_CHARS = 1000


def claim(model, pk: int, related: tuple[str, ...] = ()):
    """Take the row for this worker, or None if it is not ours to send now.

    `related` is passed to select_related, so sending reads the row and what it
    renders in one query.
    """
    now = timezone.now()
    claimable = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.RETRYING, next_attempt_at__lte=now
    )
    updated = model.objects.filter(claimable, pk=pk).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not updated:
        return None
    return model.objects.select_related(*related).get(pk=pk)


def backoff(attempts: int) -> float:
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATION_RETRY_MAX_SECONDS)


# Every outcome is written only while the row is still under the claim that
# produced it (`claimed_at` tells claims apart): a worker that stalled past the
# claim timeout, whose row the sweep gave to another worker, changes nothing.


def _claimed(row):
    return type(row).objects.filter(
        pk=row.pk, status=DeliveryStatus.SENDING, claimed_at=row.claimed_at
    )


def mark_sent(row, **fields) -> None:
    _claimed(row).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", **fields
    )


def mark_failed(row, reason: str, **fields) -> None:
    _claimed(row).update(status=DeliveryStatus.FAILED, last_error=reason[:ERROR_CHARS], **fields)


def mark_retry(row, failure: TemporaryFailure, **fields) -> float | None:
    """Schedule the next attempt; return its delay, or None when attempts are used up."""
    attempts = row.attempts if failure.counts else row.attempts - 1
    if attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        mark_failed(row, str(failure), **fields)
        return None
    delay = failure.retry_after if failure.retry_after is not None else backoff(attempts)
    _claimed(row).update(
        status=DeliveryStatus.RETRYING,
        attempts=attempts,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=str(failure)[:ERROR_CHARS],
        **fields,
    )
    return delay


def send_notification(pk: int) -> float | None:
    """Deliver one Notification; return the delay before a retry, if one is due."""
    from .models import Notification
    from .render import render

    row = claim(Notification, pk, ("event__organisation", "event__actor", "user"))
    if row is None:
        return None
    if row.event.is_internal and not row.user.is_staff:
        # The fan-out never writes such a row; if one appears, it stays unsent.
        mark_failed(row, "internal event addressed to a client")
        return None
    channel = get_channel(row.channel)
    if channel is None or not channel.enabled():
        mark_failed(row, f"channel {row.channel!r} is not configured")
        return None
    try:
        channel.send(row, render(row.event, row.user))
    except PermanentFailure as exc:
        log.warning("notification %s: %s", pk, exc)
        mark_failed(row, str(exc))
    except TemporaryFailure as exc:
        log.info("notification %s: will retry: %s", pk, exc)
        return mark_retry(row, exc)
    except Exception as exc:
        log.exception("notification %s: unexpected error", pk)
        return mark_retry(row, TemporaryFailure(f"{type(exc).__name__}: {exc}"))
    else:
        mark_sent(row)
    return None


def due(model, now=None) -> list[int]:
    """Rows a worker should have sent by now: queued ones nobody took and abandoned claims.

    Abandoned claims (a worker killed mid-send) are given back as retrying
    first, so that the next claim can take them.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    claim_timeout = timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    abandoned = list(
        model.objects.filter(
            status=DeliveryStatus.SENDING, claimed_at__lte=now - claim_timeout
        ).values_list("pk", flat=True)
    )
    if abandoned:
        model.objects.filter(pk__in=abandoned, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.RETRYING,
            next_attempt_at=now,
            last_error="the worker sending it stopped before it finished",
        )
    waiting = (
        model.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
            next_attempt_at__lte=now - grace,
        )
        .exclude(pk__in=abandoned)
        .values_list("pk", flat=True)
    )
    return abandoned + list(waiting[: settings.NOTIFICATION_SWEEP_BATCH])
