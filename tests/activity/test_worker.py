"""The event spine end to end: a committed event reaches a real Celery worker.

A `celery worker` subprocess runs against the test database and the test run's
Redis database; nothing is mocked. The data must be committed for the worker to
see it, hence `transactional_db`.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from activity.models import Event
from activity.services import record_event
from activity.tasks import outbox_sweep
from tests.e2e.worker import CeleryWorker, wait_until
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.e2e

DISPATCH_TIMEOUT = 15.0


def wait_for_dispatch(event: Event, worker: CeleryWorker, mark: int):
    dispatched_at = wait_until(
        lambda: Event.objects.filter(pk=event.pk).values_list("dispatched_at", flat=True).first(),
        timeout=DISPATCH_TIMEOUT,
    )
    assert dispatched_at is not None, (
        f"event {event.pk} was not dispatched within {DISPATCH_TIMEOUT:.0f} s. "
        f"Worker output:\n{worker.output_since(mark)}"
    )
    return dispatched_at


def test_recorded_event_is_dispatched_by_the_worker(worker):
    organisation = OrganisationFactory()
    user = UserFactory()
    mark = worker.mark()
    before = timezone.now()

    with transaction.atomic():
        event = record_event(
            organisation=organisation,
            actor=user,
            verb="member_joined",
            data={"member": "X", "role": "member"},
        )

    dispatched_at = wait_for_dispatch(event, worker, mark)
    assert dispatched_at >= before
    assert wait_until(
        lambda: (
            "activity.tasks.dispatch_event[" in worker.output_since(mark)
            and "succeeded" in worker.output_since(mark)
        ),
        timeout=5,
    ), worker.output_since(mark)


def test_outbox_sweep_requeues_an_event_whose_hand_off_was_lost(worker):
    organisation = OrganisationFactory()
    user = UserFactory()
    # Written without record_event: as if the commit happened and the broker was
    # down, so nothing was ever enqueued for it.
    event = Event.objects.create(
        organisation=organisation,
        actor=user,
        verb="member_joined",
        data={"member": "X", "role": "member"},
        created_at=timezone.now() - timedelta(minutes=5),
        dispatched_at=None,
    )
    mark = worker.mark()

    assert outbox_sweep() == 1

    wait_for_dispatch(event, worker, mark)
    assert outbox_sweep() == 0
