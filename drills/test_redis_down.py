"""Drill 2: Redis stopped while clients reply and agents act.

The drill runs its own redis-server (drills/servers.py: a free port, an
append-only file) as the cache, the live pages' store and the Celery broker of
a real gunicorn (two workers) and a real Celery worker, both on the test
database. A client and an agent work over HTTP through gunicorn: the client
reads and answers their tickets (the page, the list, the live poll, the reply
form), the agent reads the queue and the ticket's workspace, polls presence and
adds notes and replies. Halfway through, Redis gets SIGKILL; it is started
again ten seconds later. Every answer is kept: none may be a 500, and a
refusal must say why. Then the outbox and delivery sweeps run as beat runs
them: every reply of the client e-mails the ticket's owner and its watcher, each
exactly once, counted at the fake relay.
"""

import threading
import time
from collections import Counter

import pytest
import requests
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from activity.tasks import outbox_sweep
from bench.fake_smtp import FakeSMTP
from config.celery import app
from drills.conftest import record
from drills.servers import RedisServer, WebServer, csrf, session_for, web_env
from notifications.models import DeliveryStatus, Notification, Preference
from notifications.tasks import delivery_sweep
from tests.e2e.worker import database_url_for_tests, wait_until
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Comment, TicketWatcher

TICKETS = 6
UP, DOWN, BACK = 5.0, 10.0, 6.0
WORKER_SETTINGS = {
    "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "NOTIFICATION_RETRY_MAX_SECONDS": "2",
    "NOTIFICATION_SWEEP_GRACE_SECONDS": "1",
    "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "5",
    "EVENT_OUTBOX_GRACE_SECONDS": "1",
}


def point_celery_at(url: str) -> None:
    """This process's Celery app sends to `url` from now on (the sweeps run here)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    saved = app.conf.broker_url
    point_celery_at(server.url)
    yield server
    point_celery_at(saved)
    server.cleanup()


@pytest.fixture
def scene(world, settings):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 1
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 5
    settings.EVENT_OUTBOX_GRACE_SECONDS = 1
    Preference.objects.create(
        user=world.other_member, kind="ticket_replied", channel="email", enabled=True
    )
    tickets = []
    for n in range(TICKETS):
        with transaction.atomic():
            ticket = open_ticket(world, f"Redis drill {n}")
            services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
            TicketWatcher.objects.create(
                ticket=ticket, user=world.other_member, added_by=world.member
            )
        tickets.append(ticket)
    Event.objects.update(dispatched_at=timezone.now())
    return world, tickets


class Traffic:
    """Requests of one person in a loop; each answer noted with the phase it fell in."""

    def __init__(self, base_url: str, phase):
        self.base_url = base_url
        self.phase = phase
        self.answers: list[tuple[str, str, int, str]] = []
        self.stop = threading.Event()
        self.errors: list[str] = []

    def call(self, session, method, path, what, **kwargs):
        phase = self.phase()
        try:
            response = session.request(
                method, self.base_url + path, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            self.answers.append((phase, what, 0, repr(exc)[:200]))
            return None
        body = "" if response.status_code < 400 else response.text[:2000]
        self.answers.append((phase, what, response.status_code, body))
        return response


def client_loop(traffic: Traffic, world, tickets, replies: list):
    session = session_for(world.member, traffic.base_url)
    n = 0
    try:
        while not traffic.stop.is_set():
            ticket = tickets[n % len(tickets)]
            page = f"/tickets/{ticket.number}/"
            traffic.call(session, "GET", page, "client: ticket page")
            body = f"Drill reply {n} on {ticket.number}"
            token = csrf(session, traffic.base_url, page)
            answer = traffic.call(
                session,
                "POST",
                page,
                "client: reply",
                data={"body": body, "csrfmiddlewaretoken": token},
            )
            replies.append((body, answer.status_code if answer is not None else 0))
            traffic.call(session, "GET", "/tickets/", "client: ticket list")
            traffic.call(session, "GET", f"{page}live/", "client: live poll")
            traffic.call(session, "GET", "/", "client: home")
            n += 1
    except Exception as exc:
        traffic.errors.append(repr(exc))


def agent_loop(traffic: Traffic, world, tickets, notes: list):
    session = session_for(world.agent, traffic.base_url)
    n = 0
    try:
        while not traffic.stop.is_set():
            ticket = tickets[n % len(tickets)]
            change = reverse("admin:tickets_ticket_change", args=[ticket.pk])
            traffic.call(session, "GET", reverse("admin:tickets_ticket_changelist"), "agent: queue")
            traffic.call(session, "GET", change, "agent: workspace")
            token = csrf(session, traffic.base_url, change)
            presence = reverse("admin:tickets_ticket_presence", args=[ticket.pk])
            traffic.call(
                session, "POST", presence, "agent: presence", data={"csrfmiddlewaretoken": token}
            )
            body = f"Drill note {n}"
            answer = traffic.call(
                session,
                "POST",
                reverse("admin:tickets_ticket_note", args=[ticket.pk]),
                "agent: note",
                data={"note": body, "seen": "0", "csrfmiddlewaretoken": token},
            )
            notes.append((body, answer.status_code if answer is not None else 0))
            n += 1
    except Exception as exc:
        traffic.errors.append(repr(exc))


def test_redis_stopped_no_500_and_everything_delivered_once(
    start_worker, redis_server, scene, drill_clock
):
    world, tickets = scene
    first_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    with FakeSMTP() as smtp:
        env = web_env(
            DATABASE_URL=database_url_for_tests(), REDIS_URL=redis_server.url, EMAIL_URL=smtp.url
        )
        web = WebServer(env).start()
        worker = start_worker(REDIS_URL=redis_server.url, EMAIL_URL=smtp.url, **WORKER_SETTINGS)
        try:
            state = {"phase": "up"}
            traffic = Traffic(web.url, lambda: state["phase"])
            replies, notes = [], []
            threads = [
                threading.Thread(target=client_loop, args=(traffic, world, tickets, replies)),
                threading.Thread(target=agent_loop, args=(traffic, world, tickets, notes)),
            ]
            for thread in threads:
                thread.start()
            time.sleep(UP)
            redis_server.kill()
            state["phase"] = "down"
            time.sleep(DOWN)
            redis_server.start()
            state["phase"] = "back"
            time.sleep(BACK)
            traffic.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            web_output = web.output.tail(200)
            worker_alive = worker.process.poll() is None
        finally:
            web.stop()

        events = Event.objects.filter(pk__gt=first_event)
        reply_events = events.filter(verb="ticket_replied", actor=world.member)

        requeued = {"events": 0, "deliveries": 0}

        def settled():
            requeued["events"] += outbox_sweep()
            requeued["deliveries"] += delivery_sweep()
            emails = Notification.objects.filter(event__in=reply_events, channel="email")
            return (
                not events.filter(dispatched_at__isnull=True).exists()
                and emails.count() == 2 * reply_events.count()
                and not emails.exclude(status=DeliveryStatus.SENT).exists()
            )

        recovered = wait_until(settled, timeout=90, interval=1.0)
        time.sleep(1)
        rows = Notification.objects.filter(event__in=reply_events, channel="email")
        expected = {f"<notification-{pk}.{event}@" for pk, event in rows.values_list("pk", "event")}
        received = Counter(
            message["Message-ID"].split("@")[0] + "@"
            for message in smtp.messages
            if message["Message-ID"].split("@")[0] + "@" in expected
        )
        emails_expected = 2 * reply_events.count()
        lost = emails_expected - len(received)
        duplicated = sum(received.values()) - len(received)

    by_phase = Counter((phase, status) for phase, _, status, _ in traffic.answers)
    server_errors = [a for a in traffic.answers if a[2] >= 500 or a[2] == 0]
    five_hundreds = [a for a in traffic.answers if a[2] == 500]
    # What the client was told was sent is in the database once; what was refused is not.
    comments = Counter(
        Comment.objects.filter(body__startswith="Drill reply").values_list("body", flat=True)
    )
    accepted = [body for body, status in replies if status == 302]
    replies_missing = [b for b in accepted if comments[b] != 1]
    written_notes = Counter(
        Comment.objects.filter(body__startswith="Drill note", is_internal=True).values_list(
            "body", flat=True
        )
    )
    notes_accepted = [body for body, status in notes if status == 302]
    notes_missing = [b for b in notes_accepted if written_notes[b] != 1]
    figures = record(
        "redis_down",
        seconds_down=DOWN,
        requests=len(traffic.answers),
        requests_while_down=sum(1 for a in traffic.answers if a[0] == "down"),
        answers_by_phase={f"{p} {s}": n for (p, s), n in sorted(by_phase.items())},
        server_errors=len(server_errors),
        http_500=len(five_hundreds),
        client_replies=len(replies),
        client_replies_accepted=len(accepted),
        agent_notes=len(notes),
        agent_notes_accepted=len(notes_accepted),
        reply_events=reply_events.count(),
        emails_due=emails_expected,
        delivered=len(received),
        lost=lost,
        duplicated=duplicated,
        events_requeued_by_outbox_sweep=requeued["events"],
        deliveries_requeued_by_sweep=requeued["deliveries"],
        worker_survived=worker_alive,
        seconds=drill_clock(),
    )
    assert not traffic.errors, traffic.errors
    assert not five_hundreds, (five_hundreds[:3], web_output)
    assert not server_errors, server_errors[:3]
    assert not replies_missing, replies_missing[:5]
    assert not notes_missing, notes_missing[:5]
    assert accepted and notes_accepted, figures
    assert recovered, (figures, worker.output[-3000:])
    assert lost == 0, figures
    assert duplicated == 0, figures
    assert worker_alive, worker.output[-3000:]
