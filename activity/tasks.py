import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.plugins import BeatJob

from .models import Event

log = logging.getLogger(__name__)


def _handlers():
    return [import_string(path) for path in settings.EVENT_HANDLERS]


def _dispatch(event_id: int) -> None:
    event = Event.objects.filter(pk=event_id, dispatched_at__isnull=True).first()
    if event is None:
        return
    for handler in _handlers():
        handler(event)
    Event.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )


@shared_task(bind=True, max_retries=8, retry_backoff=True, retry_backoff_max=600)
def dispatch_event(self, event_id: int) -> None:
    """Run every event handler for one event, at least once.

    Handlers are idempotent (deliveries are keyed by event, user and channel),
    so running this twice (a retry, the outbox sweep) sends nothing twice.
    """
    try:
        _dispatch(event_id)
    except Exception as exc:
        log.exception("event %s: handler failed", event_id)
        raise self.retry(exc=exc) from exc


@shared_task
def dispatch_events(event_ids: list[int]) -> None:
    """A batch's events in one message; a failing one goes on alone, with its retries."""
    for event_id in event_ids:
        try:
            _dispatch(event_id)
        except Exception:
            log.exception("event %s: handler failed, retrying on its own", event_id)
            dispatch_event.delay(event_id)


@shared_task
def outbox_sweep(limit: int = 1000) -> int:
    """Re-queue events whose hand-off to the broker never happened or never finished."""
    cutoff = timezone.now() - timedelta(seconds=settings.EVENT_OUTBOX_GRACE_SECONDS)
    ids = list(
        Event.objects.undispatched(older_than=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in ids:
        dispatch_event.delay(event_id)
    return len(ids)


BEAT = [BeatJob("activity-outbox-sweep", "activity.tasks.outbox_sweep", 60.0)]
