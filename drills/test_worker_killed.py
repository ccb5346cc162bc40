"""Drill 1: the Celery worker killed (SIGKILL) in the middle of a burst of 500 events.

Clients reply 500 times on 100 tickets, through tickets.services.comment_add, as
the portal's reply form does; each reply is an event that e-mails two people
(the ticket's owner and a watcher who asked for replies by e-mail), so 1,000
e-mails are due, each through a real worker subprocess and Django's SMTP
backend to the fake relay (bench/fake_smtp.py). When about half have arrived,
the worker gets SIGKILL: no warm shutdown, its message unacknowledged, a row
perhaps claimed mid-send. A second worker starts; the outbox and delivery sweeps
run as beat runs them, only more often. Counted at the relay, per (recipient,
event): lost = due - received once or more; duplicated = messages a reader would
see twice (two different Message-IDs for one person and event).

SMTP cannot be made exactly-once: a worker killed after the relay's "250 OK" and
before the row says sent leaves a send nobody can know happened, and the message
goes again (notifications/delivery.py). It goes with the same Message-ID, which
mail systems (Gmail, Exchange) show once; such relay copies are counted apart
(`relay_copies_resent`) and may number at most the claims the kill interrupted.
"""

import threading
import time
from collections import Counter, defaultdict

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from activity.models import Event
from activity.tasks import outbox_sweep
from bench.fake_smtp import FakeSMTP
from drills.conftest import record
from notifications.models import DeliveryStatus, Notification, Preference
from notifications.tasks import delivery_sweep
from tests.e2e.worker import wait_until
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import TicketWatcher

TICKETS = 100
REPLIES_PER_TICKET = 5
EVENTS = TICKETS * REPLIES_PER_TICKET
RECIPIENTS = 2  # the owner and the watcher
WORKER_SETTINGS = {
    "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "NOTIFICATION_RETRY_MAX_SECONDS": "2",
    "NOTIFICATION_MAX_ATTEMPTS": "100",
    "NOTIFICATION_SWEEP_GRACE_SECONDS": "1",
    "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "5",
    "EVENT_OUTBOX_GRACE_SECONDS": "1",
}


@pytest.fixture
def sweeps(settings):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 1
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 5
    settings.EVENT_OUTBOX_GRACE_SECONDS = 1


@pytest.fixture
def tickets(world):
    """100 tickets of world.member, owned by the agent, watched by a colleague who wants e-mail."""
    Preference.objects.create(
        user=world.other_member, kind="ticket_replied", channel="email", enabled=True
    )
    opened = []
    for n in range(TICKETS):
        with transaction.atomic():
            ticket = open_ticket(world, f"Drill ticket {n}")
            services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
            TicketWatcher.objects.create(
                ticket=ticket, user=world.other_member, added_by=world.member
            )
        opened.append(ticket)
    # What the setup caused is not the drill's: only the burst's events are counted.
    Event.objects.update(dispatched_at=timezone.now())
    return opened


def _burst(world, tickets, errors):
    try:
        for round_ in range(REPLIES_PER_TICKET):
            for ticket in tickets:
                services.comment_add(
                    ticket=ticket, author=world.member, body=f"Still down ({round_})"
                )
    except Exception as exc:  # the main thread reports it
        errors.append(exc)
    finally:
        close_old_connections()


def test_worker_killed_mid_burst_delivers_every_email_once(
    start_worker, sweeps, world, tickets, drill_clock
):
    first_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with FakeSMTP() as smtp:
        first = start_worker(EMAIL_URL=smtp.url, **WORKER_SETTINGS)
        errors: list[Exception] = []
        burst = threading.Thread(target=_burst, args=(world, tickets, errors))
        burst.start()

        due = EVENTS * RECIPIENTS
        assert len(smtp.wait_for(due // 2, timeout=120)) >= due // 2, first.output[-3000:]
        first.process.kill()  # SIGKILL
        first.process.wait(timeout=10)
        killed_at, sent_before_kill = drill_clock(), len(smtp.messages)
        burst.join(timeout=120)
        assert not errors, errors

        events = Event.objects.filter(pk__gt=first_event)
        replies = events.filter(verb="ticket_replied")
        assert replies.count() == EVENTS, list(events.values_list("verb", flat=True).distinct())
        interrupted = Notification.objects.filter(
            event__in=replies, channel="email", status=DeliveryStatus.SENDING
        ).count()

        second = start_worker(EMAIL_URL=smtp.url, **WORKER_SETTINGS)
        sweeps_run = 0

        def settled():
            nonlocal sweeps_run
            outbox_sweep()
            delivery_sweep()
            sweeps_run += 1
            emails = Notification.objects.filter(event__in=replies, channel="email")
            return (
                not events.filter(dispatched_at__isnull=True).exists()
                and emails.count() == due
                and not emails.exclude(status=DeliveryStatus.SENT).exists()
            )

        assert wait_until(settled, timeout=180, interval=1.0), second.output[-3000:]
        time.sleep(2)  # anything still in flight would arrive now
        seconds = drill_clock()

        # Counted at the relay: the Message-ID names the event, the envelope the person.
        reply_ids = set(replies.values_list("pk", flat=True))
        received = Counter()
        message_ids = defaultdict(set)
        for message in smtp.messages:
            event_id = int(message["Message-ID"].split(".")[1].split("@")[0])
            if event_id in reply_ids:
                for rcpt in message.rcpt_tos:
                    received[(rcpt.lower(), event_id)] += 1
                    message_ids[(rcpt.lower(), event_id)].add(message["Message-ID"])
        expected = {
            (email.lower(), event_id)
            for event_id in reply_ids
            for email in (world.agent.email, world.other_member.email)
        }
        lost = len(expected - set(received))
        duplicated = sum(len(ids) for ids in message_ids.values()) - len(message_ids)
        resent = sum(received.values()) - len(received)
        unexpected = len(set(received) - expected)
        retried = Notification.objects.filter(event__in=replies, attempts__gt=1).count()

    figures = record(
        "worker_killed",
        events=EVENTS,
        deliveries_due=due,
        delivered=len(received),
        received_at_relay=sum(received.values()),
        lost=lost,
        duplicated=duplicated,
        relay_copies_resent=resent,
        unexpected=unexpected,
        sent_before_kill=sent_before_kill,
        killed_at_seconds=killed_at,
        claims_interrupted=interrupted,
        rows_attempted_twice=retried,
        sweeps_run=sweeps_run,
        seconds=seconds,
    )
    assert lost == 0, figures
    assert duplicated == 0, figures
    assert resent <= interrupted, figures
    assert unexpected == 0, figures
