"""E-mail notifications end to end, with a real worker, Redis and SMTP server, and their failures.

An agent resolves a member's ticket (committed: the worker is another
process); a `celery worker` subprocess dispatches the event, fans it out and
sends the e-mails through Django's SMTP backend to bench/fake_smtp.py on
loopback. Then the same with the relay down for a while, with the worker
killed in the middle of the SMTP conversation, and with the broker out of
reach when the change commits. Each time: every recipient gets exactly one
e-mail, and running everything again sends nothing more.
"""

import contextlib
import logging

import pytest
from django.utils import translation

from activity.models import Event
from activity.tasks import dispatch_event, outbox_sweep
from bench.fake_smtp import FakeSMTP, free_port
from config.celery import app
from notifications.models import DeliveryStatus, Notification
from notifications.tasks import delivery_sweep, send_notifications
from tests.e2e.worker import wait_until
from tests.tickets.factories import TicketFactory
from tickets import services
from tickets.models import TicketWatcher
from tickets.states import Status

pytestmark = pytest.mark.e2e

SUBJECT = "Fibre cut in Valparaíso"
# Short waits so that each scenario runs in seconds; passed to the worker's settings.
WORKER_SETTINGS = {
    "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "NOTIFICATION_RETRY_MAX_SECONDS": "1",
    "NOTIFICATION_MAX_ATTEMPTS": "100",
    "NOTIFICATION_SWEEP_GRACE_SECONDS": "1",
    "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "2",
    "EVENT_OUTBOX_GRACE_SECONDS": "1",
}


@pytest.fixture
def smtp():
    with FakeSMTP() as server:
        yield server


@pytest.fixture
def sweeps(settings):
    """The sweeps run here, in the test process, as beat would ask the worker to."""
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 1
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 2
    settings.EVENT_OUTBOX_GRACE_SECONDS = 1


@pytest.fixture
def start_worker(start_worker, smtp, sweeps):
    """The shared worker starter (tests/conftest.py), pointed at this module's SMTP server."""
    return lambda: start_worker(EMAIL_URL=smtp.url, **WORKER_SETTINGS)


@pytest.fixture
def scene(world):
    """A member's ticket that a colleague watches; each reads e-mail in their own language."""
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    world.other_member.language = "fr"
    world.other_member.save(update_fields=["language"])
    ticket = TicketFactory(organisation=world.org, requester=world.member, subject=SUBJECT)
    TicketWatcher.objects.create(ticket=ticket, user=world.other_member, added_by=world.member)
    return world, ticket


def _resolve(world, ticket) -> Event:
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    return Event.objects.get(verb="ticket_resolved", data__number=ticket.number)


def _emails(*events):
    return Notification.objects.filter(event__in=events, channel="email").order_by("pk")


def _all_sent(*events) -> bool:
    statuses = list(_emails(*events).values_list("status", flat=True))
    return len(statuses) == 2 * len(events) and set(statuses) == {DeliveryStatus.SENT}


def _assert_once_each(smtp, *events):
    """Each delivery row's e-mail arrived once, to its recipient; nothing else arrived."""
    rows = list(_emails(*events).select_related("user"))
    assert len(rows) == 2 * len(events)
    assert len(smtp.messages) == len(rows), [m.rcpt_tos for m in smtp.messages]
    for row in rows:
        message_id = f"<notification-{row.pk}.{row.event_id}@testserver>"
        matching = [m for m in smtp.messages if m["Message-ID"] == message_id]
        assert [m.rcpt_tos for m in matching] == [(row.user.email,)], message_id


def _nothing_sent_again(smtp, worker, *events):
    """Run the whole chain once more, as a retried or duplicated message would: no new e-mail."""
    assert delivery_sweep() == 0
    assert outbox_sweep() == 0
    mark = worker.mark()
    before = len(smtp.messages)
    tasks = [dispatch_event.delay(event.pk) for event in events]
    tasks.append(send_notifications.delay(list(_emails(*events).values_list("pk", flat=True))))
    assert wait_until(
        lambda: all(f"[{t.id}] succeeded" in worker.output_since(mark) for t in tasks),
        timeout=15,
    ), worker.output_since(mark)
    assert len(smtp.messages) == before


def test_a_resolution_emails_each_recipient_once_threaded_in_their_language(
    start_worker, smtp, scene
):
    world, ticket = scene
    worker = start_worker()

    event = _resolve(world, ticket)

    assert len(smtp.wait_for(2, timeout=20)) == 2, worker.output
    assert wait_until(lambda: _all_sent(event), timeout=10), list(_emails(event).values())
    _assert_once_each(smtp, event)
    root = f"<{ticket.number.lower()}@testserver>"
    [to_member] = smtp.to(world.member.email)
    [to_watcher] = smtp.to(world.other_member.email)
    for received, language in ((to_member, "es"), (to_watcher, "fr")):
        with translation.override(language):
            resolved = translation.pgettext("e-mail subject", "Resolved")
        # What changed, in the reader's language; the thread holds on References.
        assert received["Subject"].strip() == f"[{ticket.number}] {resolved}: {SUBJECT}"
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received["In-Reply-To"] == root
        assert received["References"] == root
        assert received["Auto-Submitted"] == "auto-generated"
        assert f"http://testserver/tickets/{ticket.number}/" in received.text
        assert f'href="http://testserver/tickets/{ticket.number}/"' in received.html
    assert f"Ana Agent resolvió {ticket.number}" in to_member.text
    assert to_member.text.startswith("Hola, Diego:")
    assert f"Ana Agent a résolu {ticket.number}" in to_watcher.text
    assert Notification.objects.filter(event=event, channel="portal").count() == 2
    assert Event.objects.get(pk=event.pk).dispatched_at is not None
    _nothing_sent_again(smtp, worker, event)


def test_smtp_down_then_back_delivers_once(start_worker, smtp, scene):
    world, ticket = scene
    worker = start_worker()
    smtp.stop()

    event = _resolve(world, ticket)

    waiting = wait_until(
        lambda: (
            _emails(event)
            .filter(status=DeliveryStatus.RETRYING, last_error__contains="Connection refused")
            .count()
            == 2
        ),
        timeout=20,
    )
    assert waiting, list(_emails(event).values("status", "attempts", "last_error"))
    assert smtp.messages == []

    smtp.start()  # the same port

    assert wait_until(lambda: _all_sent(event), timeout=20), list(_emails(event).values())
    _assert_once_each(smtp, event)
    assert all(row.attempts >= 2 and row.last_error == "" for row in _emails(event))
    _nothing_sent_again(smtp, worker, event)


def test_a_worker_killed_mid_send_is_replaced_and_nothing_is_sent_twice(start_worker, smtp, scene):
    world, ticket = scene
    first = start_worker()
    resolved = _resolve(world, ticket)
    assert wait_until(lambda: _all_sent(resolved), timeout=20), first.output
    smtp.slow(60, recipients=[world.other_member.email])

    services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=world.agent)
    closed = Event.objects.get(verb="ticket_closed")

    # The watcher's e-mail is in the SMTP conversation, its DATA not answered yet.
    assert wait_until(lambda: smtp.holding, timeout=20), first.output
    held = _emails(closed).get(user=world.other_member)
    assert held.status == DeliveryStatus.SENDING
    first.process.kill()  # SIGKILL: no warm shutdown, the claim stays behind
    first.process.wait(timeout=10)
    assert wait_until(lambda: not smtp.holding, timeout=5)  # the relay saw the client go
    assert len(smtp.to(world.other_member.email)) == 1  # the resolution's only
    smtp.fast()

    second = start_worker()

    def swept_and_sent():
        delivery_sweep()  # as beat does, only more often: each run may queue a row again
        return _all_sent(closed)

    assert wait_until(swept_and_sent, timeout=25, interval=0.5), (
        list(_emails(closed).values("user__email", "status", "attempts", "last_error")),
        second.output,
    )
    # The closing e-mails once each, the resolution's not again.
    _assert_once_each(smtp, resolved, closed)
    held.refresh_from_db()
    assert held.attempts == 2  # the killed attempt, then the one that went
    _nothing_sent_again(smtp, second, resolved, closed)


@contextlib.contextmanager
def broker_unreachable():
    """Point this process's Celery app at a closed port (Redis itself stays up for the others)."""
    saved = app.conf.broker_url

    def reconnect(url):
        app.conf.broker_url = url
        # Both pools hold connections made with the old URL.
        app._pool = None
        app.amqp._producer_pool = None

    reconnect(f"redis://127.0.0.1:{free_port()}/0")
    try:
        yield
    finally:
        reconnect(saved)


def test_an_event_committed_while_the_broker_is_unreachable_is_delivered_by_the_outbox_sweep(
    start_worker, smtp, scene, caplog
):
    world, ticket = scene
    worker = start_worker()

    with (
        broker_unreachable(),
        caplog.at_level(logging.ERROR, logger="django.db.backends.base"),
    ):
        event = _resolve(world, ticket)

    # The change committed; only its hand-off to the broker failed.
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert any("on_commit" in r.getMessage() for r in caplog.records), caplog.text
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert not Notification.objects.filter(event=event).exists()

    # Beat's outbox sweep, once the event is older than the grace period.
    assert wait_until(lambda: outbox_sweep() == 1, timeout=10)

    assert wait_until(lambda: _all_sent(event), timeout=20), (
        list(_emails(event).values()),
        worker.output,
    )
    _assert_once_each(smtp, event)
    event.refresh_from_db()
    assert event.dispatched_at is not None
    _nothing_sent_again(smtp, worker, event)
