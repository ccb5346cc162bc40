"""Delivery state: one claim wins, retries back off, failures stop, the sweep recovers.

A scripted channel (configured like any other in NOTIFICATION_CHANNELS)
answers each send with the next outcome of its script, so these tests drive
notifications/delivery.py through every path without a network.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from activity.services import record_event
from config.celery import app
from notifications import delivery, tasks
from notifications.channels.base import Channel, PermanentFailure, TemporaryFailure
from notifications.models import DeliveryStatus, Notification


class ScriptedChannel(Channel):
    """Each send takes the next outcome: None sends, an exception is raised."""

    key = "scripted"
    label = "Scripted"
    script: list = []
    sent: list = []

    def addresses(self, users):
        return {user.pk: user.email for user in users}

    def send(self, notification, message):
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((notification.pk, message.headline))


@pytest.fixture
def scripted(settings):
    settings.NOTIFICATION_CHANNELS = [
        *settings.NOTIFICATION_CHANNELS,
        "tests.notifications.test_delivery.ScriptedChannel",
    ]
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 3600
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    ScriptedChannel.script = []
    ScriptedChannel.sent = []
    return ScriptedChannel


def _event(world):
    return record_event(
        organisation=world.org,
        actor=world.agent,
        verb="ticket_resolved",
        data={"number": "TKT-2026-00077", "subject": "VPN", "status": "resolved"},
    )


def _row(world, user=None, **fields):
    fields.setdefault("next_attempt_at", timezone.now())
    return Notification.objects.create(
        event=_event(world), user=user or world.member, channel="scripted", **fields
    )


def _state(row):
    row.refresh_from_db()
    return row.status, row.attempts


def _make_due(row):
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def _seconds_from_now(moment):
    return (moment - timezone.now()).total_seconds()


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_one_row_one_wins(world):
    rows = [_row(world) for _ in range(8)]

    for row in rows:
        barrier = threading.Barrier(2)
        claims = []

        def take(pk=row.pk, barrier=barrier, claims=claims):
            try:
                barrier.wait()
                claims.append(delivery.claim(Notification, pk))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=take) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len([c for c in claims if c is not None]) == 1, row.pk
        assert _state(row) == (DeliveryStatus.SENDING, 1)
        assert row.claimed_at is not None


@pytest.mark.django_db
def test_a_claimed_or_sent_row_is_not_claimed_again(world):
    row = _row(world)
    assert delivery.claim(Notification, row.pk).status == DeliveryStatus.SENDING
    assert delivery.claim(Notification, row.pk) is None
    Notification.objects.filter(pk=row.pk).update(status=DeliveryStatus.SENT)
    assert delivery.claim(Notification, row.pk) is None
    assert _state(row) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db
def test_temporary_failures_retry_with_growing_waits(world, scripted):
    scripted.script = [TemporaryFailure("relay busy"), TemporaryFailure("relay busy"), None]
    row = _row(world)

    assert delivery.send_notification(row.pk) == 10
    assert _state(row) == (DeliveryStatus.RETRYING, 1)
    assert row.last_error == "relay busy"
    assert 9 < _seconds_from_now(row.next_attempt_at) <= 10
    # Not due yet: a message arriving early (a duplicate, the sweep) sends nothing.
    assert delivery.send_notification(row.pk) is None
    assert scripted.script and _state(row) == (DeliveryStatus.RETRYING, 1)

    _make_due(row)
    assert delivery.send_notification(row.pk) == 20
    assert _state(row) == (DeliveryStatus.RETRYING, 2)
    assert 19 < _seconds_from_now(row.next_attempt_at) <= 20

    _make_due(row)
    assert delivery.send_notification(row.pk) is None
    assert _state(row) == (DeliveryStatus.SENT, 3)
    assert row.last_error == ""
    assert scripted.sent == [(row.pk, "Ana Agent resolved TKT-2026-00077")]


@pytest.mark.django_db
def test_the_wait_is_capped(world, scripted, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 10
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 30
    assert [delivery.backoff(n) for n in range(1, 6)] == [10, 20, 30, 30, 30]


@pytest.mark.django_db
def test_used_up_attempts_stop_as_failed_with_the_reason(world, scripted):
    scripted.script = [TemporaryFailure(f"421 try {n}") for n in (1, 2, 3)] + [None]
    row = _row(world)

    for _ in range(2):
        assert delivery.send_notification(row.pk) is not None
        _make_due(row)
    assert delivery.send_notification(row.pk) is None

    assert _state(row) == (DeliveryStatus.FAILED, 3)
    assert row.last_error == "421 try 3"
    _make_due(row)
    assert delivery.send_notification(row.pk) is None  # failed is final
    assert scripted.sent == []
    assert delivery.due(Notification) == []


@pytest.mark.django_db
def test_a_permanent_failure_stops_at_once(world, scripted):
    scripted.script = [PermanentFailure("no such chat")]
    row = _row(world)

    assert delivery.send_notification(row.pk) is None

    assert _state(row) == (DeliveryStatus.FAILED, 1)
    assert row.last_error == "no such chat"


@pytest.mark.django_db
def test_an_unexpected_error_is_retried_not_lost(world, scripted):
    scripted.script = [KeyError("template")]
    row = _row(world)

    assert delivery.send_notification(row.pk) == 10

    assert _state(row) == (DeliveryStatus.RETRYING, 1)
    assert row.last_error == "KeyError: 'template'"


@pytest.mark.django_db
def test_a_rate_limit_waits_without_using_up_attempts(world, scripted):
    scripted.script = [
        TemporaryFailure("slow down", retry_after=7, counts=False) for _ in range(5)
    ] + [None]
    row = _row(world)

    for _ in range(5):
        assert delivery.send_notification(row.pk) == 7
        assert _state(row) == (DeliveryStatus.RETRYING, 0)
        assert 6 < _seconds_from_now(row.next_attempt_at) <= 7
        _make_due(row)
    # Five waits with three attempts allowed, and it still goes.
    assert delivery.send_notification(row.pk) is None
    assert _state(row) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db
def test_an_internal_event_never_goes_to_a_client(world, scripted):
    event = record_event(
        organisation=world.org,
        actor=world.supervisor,
        verb="ticket_note_added",
        visibility="internal",
        data={"number": "TKT-2026-00077", "subject": "VPN"},
    )
    row = Notification.objects.create(
        event=event, user=world.member, channel="scripted", next_attempt_at=timezone.now()
    )

    assert delivery.send_notification(row.pk) is None

    assert _state(row) == (DeliveryStatus.FAILED, 1)
    assert scripted.sent == []


@pytest.mark.django_db
def test_a_worker_whose_claim_was_taken_back_changes_nothing(world, scripted, settings):
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 0
    row = _row(world)
    stalled = delivery.claim(Notification, row.pk)
    assert delivery.due(Notification) == [row.pk]  # the sweep gives the claim back
    print(
        Notification.objects.filter(pk=row.pk).values("status", "next_attempt_at", "claimed_at"),
        timezone.now(),
    )
    current = delivery.claim(Notification, row.pk)
    print(current)

    # The stalled worker wakes up with an error: the current claim is untouched.
    delivery.mark_retry(stalled, TemporaryFailure("timed out"))
    delivery.mark_failed(stalled, "gave up")
    assert _state(row) == (DeliveryStatus.SENDING, 2)
    delivery.mark_sent(current)
    assert _state(row) == (DeliveryStatus.SENT, 2)


@pytest.mark.django_db
def test_due_finds_forgotten_rows_and_takes_back_abandoned_claims(world, settings):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 60
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 300
    now = timezone.now()
    late = now - timedelta(seconds=61)
    fresh_pending = _row(world, next_attempt_at=now)
    lost_pending = _row(world, next_attempt_at=late)
    lost_retry = _row(world, status=DeliveryStatus.RETRYING, attempts=1, next_attempt_at=late)
    future_retry = _row(
        world, status=DeliveryStatus.RETRYING, next_attempt_at=now + timedelta(minutes=5)
    )
    abandoned = _row(
        world,
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=now - timedelta(seconds=301),
        next_attempt_at=late,
    )
    working = _row(
        world, status=DeliveryStatus.SENDING, attempts=1, claimed_at=now - timedelta(seconds=30)
    )
    _row(world, status=DeliveryStatus.SENT, next_attempt_at=late)
    _row(world, status=DeliveryStatus.FAILED, next_attempt_at=late)

    due = delivery.due(Notification)

    assert sorted(due) == sorted([lost_pending.pk, lost_retry.pk, abandoned.pk])
    assert _state(abandoned) == (DeliveryStatus.RETRYING, 1)
    assert abandoned.last_error == "the worker sending it stopped before it finished"
    assert delivery.claim(Notification, abandoned.pk) is not None
    assert _state(working) == (DeliveryStatus.SENDING, 1)
    assert _state(fresh_pending) == (DeliveryStatus.PENDING, 0)
    assert _state(future_retry) == (DeliveryStatus.RETRYING, 0)


def _queued() -> list[tuple[str, list]]:
    """Drain the test broker's default queue: (task name, args) of each message."""
    found = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(block=True, timeout=0.2)
                except queue.Empty:
                    return found
                args, _kwargs, _embed = message.decode()
                found.append((message.headers["task"], args))
                message.ack()
        finally:
            queue.close()


@pytest.mark.django_db
def test_the_sweep_queues_what_is_due_through_the_broker(world, scripted, settings):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 0
    app.control.purge()
    past = timezone.now() - timedelta(seconds=1)
    pending = _row(world, next_attempt_at=past)
    abandoned = _row(world, status=DeliveryStatus.SENDING, attempts=1, claimed_at=past)

    assert tasks.delivery_sweep() == 2

    [(name, [ids])] = _queued()
    assert name == "notifications.tasks.send_notifications"
    assert sorted(ids) == sorted([pending.pk, abandoned.pk])
    # What the worker then does with that message: each row sent once.
    tasks.send_notifications(ids)
    tasks.send_notifications(ids)
    assert sorted(pk for pk, _headline in scripted.sent) == sorted(ids)
    assert _state(pending) == (DeliveryStatus.SENT, 1)
    assert _state(abandoned) == (DeliveryStatus.SENT, 2)
    assert tasks.delivery_sweep() == 0
