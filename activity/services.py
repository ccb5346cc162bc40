from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Event, Visibility
from .verbs import VERBS


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
    if verb not in VERBS:
        raise ValueError(f"Unknown event verb {verb!r}: add it to activity/verbs.py")
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
