from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core import plugins

from .models import Event, Visibility


def record_event(
    *,
    organisation,
    actor,
    verb: str,
    target=None,
    visibility: str = Visibility.PUBLIC,
    data: dict | None = None,
) -> Event:
    """Write an event inside the caller's transaction; hand it to Celery after commit.

    Callers are services that have just changed state: the event and the change
    commit together or not at all. If the broker is down at commit, the outbox
    sweep finds the event later.
    """
    if verb not in plugins.verbs():
        raise ValueError(f"Unknown event verb {verb!r}: declare it in its app's plugin.py")
    event = Event.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        visibility=visibility,
        data=data or {},
    )
    transaction.on_commit(lambda: _hand_off(event.pk), robust=True)
    return event


def _hand_off(event_id: int) -> None:
    from .tasks import dispatch_event

    dispatch_event.delay(event_id)


def record_events(items: list[dict]) -> list[Event]:
    """Many events at once (a sweep's batch): one INSERT, one hand-off after commit.

    Each item takes the arguments of record_event(). Same guarantees: written in
    the caller's transaction, dispatched at least once, found by the outbox sweep
    if the hand-off fails.
    """
    events = []
    for item in items:
        if item["verb"] not in plugins.verbs():
            raise ValueError(
                f"Unknown event verb {item['verb']!r}: declare it in its app's plugin.py"
            )
        target = item.get("target")
        actor = item.get("actor")
        events.append(
            Event(
                organisation=item["organisation"],
                actor=actor if actor is not None and actor.is_authenticated else None,
                verb=item["verb"],
                target_type=ContentType.objects.get_for_model(target)
                if target is not None
                else None,
                target_id=str(target.pk) if target is not None else "",
                visibility=item.get("visibility", Visibility.PUBLIC),
                data=item.get("data") or {},
            )
        )
    created = Event.objects.bulk_create(events)
    ids = [event.pk for event in created]
    if ids:
        transaction.on_commit(lambda: _hand_off_many(ids), robust=True)
    return created


def _hand_off_many(event_ids: list[int]) -> None:
    from .tasks import dispatch_events

    dispatch_events.delay(event_ids)
