"""Drill 5: the SMTP relay and Telegram down for an hour, then back.

Time runs 100 times faster: every duration the delivery code reads is the
production default divided by SCALE (retry base 30 s → 0.3 s, cap 3,600 s →
36 s, the sweep every simulated minute), except NOTIFICATION_MAX_ATTEMPTS, which
is the real default, so the drill shows whether the production schedule
outlasts an hour's outage. The worker is a real subprocess; the relay is
bench/fake_smtp.py and Telegram bench/fake_telegram.py, both stopped (their
ports closed) before the first reply and started again on the same ports after
a simulated hour.

Client replies on 20 tickets each owe four deliveries: an e-mail and a Telegram
message to the owner and to a watcher. Meanwhile the admin's notification list,
read by an agent, shows them waiting to retry with the relay's error. The claim
times of each row (`claimed_at`, set by every attempt) give the gaps between
attempts, which must follow the backoff. Afterwards each (recipient, ticket) got
one e-mail and one Telegram message.
"""

import time
from collections import Counter, defaultdict

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from bench.fake_smtp import FakeSMTP, free_port
from bench.fake_telegram import FakeTelegram
from drills.conftest import record
from notifications import delivery
from notifications.models import DeliveryStatus, Notification, Preference, TelegramLink
from notifications.tasks import delivery_sweep
from tests.e2e.worker import wait_until
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import TicketWatcher

SCALE = 100.0
HOUR = 3600 / SCALE
MINUTE = 60 / SCALE
TICKETS = 20
CHATS = {"agent": 7001, "watcher": 7002}
BASE = 30 / SCALE
CAP = 3600 / SCALE


def scaled_settings(max_attempts: int) -> dict:
    return {
        "NOTIFICATION_RETRY_BASE_SECONDS": str(BASE),
        "NOTIFICATION_RETRY_MAX_SECONDS": str(CAP),
        "NOTIFICATION_MAX_ATTEMPTS": str(max_attempts),
        # Whole seconds only (env.int): 100 and 300 simulated seconds.
        "NOTIFICATION_SWEEP_GRACE_SECONDS": "1",
        "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "3",
    }


@pytest.fixture
def relays():
    smtp = FakeSMTP()
    telegram = FakeTelegram(port=free_port())
    telegram.start()
    yield smtp, telegram
    smtp.stop()
    telegram.stop()


@pytest.fixture
def scene(world, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = False  # the agent reads the admin list
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 1
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 3
    for user, chat in ((world.agent, CHATS["agent"]), (world.other_member, CHATS["watcher"])):
        TelegramLink.objects.create(user=user, chat_id=chat, username=f"u{chat}")
    for channel in ("email", "telegram"):
        Preference.objects.create(
            user=world.other_member, kind="ticket_replied", channel=channel, enabled=True
        )
    tickets = []
    for n in range(TICKETS):
        with transaction.atomic():
            ticket = open_ticket(world, f"Relay drill {n}")
            services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
            TicketWatcher.objects.create(
                ticket=ticket, user=world.other_member, added_by=world.member
            )
        tickets.append(ticket)
    Event.objects.update(dispatched_at=timezone.now())
    return world, tickets


def test_relays_down_for_an_hour_retry_with_backoff_and_deliver_once(
    start_worker, relays, scene, client, drill_clock
):
    smtp, telegram = relays
    world, tickets = scene
    max_attempts = django_settings.NOTIFICATION_MAX_ATTEMPTS  # the production default
    telegram_url = telegram.base_url
    telegram.stop()  # SMTP was never started: both ports closed
    worker = start_worker(
        EMAIL_URL=smtp.url,
        TELEGRAM_BOT_TOKEN=telegram.token,
        TELEGRAM_API_URL=telegram_url,
        TELEGRAM_BOT_USERNAME="portal_test_bot",
        **scaled_settings(max_attempts),
    )
    first_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    down_at = time.monotonic()
    for ticket in tickets:
        services.comment_add(ticket=ticket, author=world.member, body="Any news?")
    replies = Event.objects.filter(pk__gt=first_event, verb="ticket_replied")
    rows = Notification.objects.filter(event__in=replies).exclude(channel="portal")
    due = TICKETS * 4

    # The outage: beat's sweep every simulated minute, each row's claims noted.
    claims: dict[int, set] = defaultdict(set)
    admin_checks, admin_seen = 0, []
    swept_at = 0.0
    while time.monotonic() - down_at < HOUR:
        if time.monotonic() - swept_at >= MINUTE:
            delivery_sweep()
            swept_at = time.monotonic()
        for pk, claimed_at in rows.exclude(claimed_at=None).values_list("pk", "claimed_at"):
            claims[pk].add(claimed_at)
        if rows.count() == due and admin_checks < 3 and time.monotonic() - down_at > HOUR / 3:
            admin_checks += 1
            admin_seen.append(_admin_shows_waiting(client, world, rows))
        time.sleep(0.1)
    statuses_after_hour = Counter(rows.values_list("status", flat=True))

    smtp.start()
    telegram.start()
    back_at = time.monotonic()

    def delivered():
        nonlocal swept_at
        if time.monotonic() - swept_at >= MINUTE:
            delivery_sweep()
            swept_at = time.monotonic()
        for pk, claimed_at in rows.exclude(claimed_at=None).values_list("pk", "claimed_at"):
            claims[pk].add(claimed_at)
        return rows.filter(status=DeliveryStatus.SENT).count() == due

    recovered = wait_until(delivered, timeout=HOUR * 1.5, interval=0.1)
    recovery_seconds = time.monotonic() - back_at
    time.sleep(1)

    # Counted at the relays: per (recipient, ticket).
    numbers = {t.number for t in tickets}
    emails = Counter()
    for message in smtp.messages:
        number = message["Subject"].split("]")[0].strip("[ ")
        for rcpt in message.rcpt_tos:
            emails[(rcpt.lower(), number)] += 1
    messages = Counter()
    for sent in telegram.sent:
        number = next((n for n in numbers if n in sent["text"]), None)
        messages[(sent["chat_id"], number)] += 1
    expected_emails = {
        (u.email.lower(), n) for u in (world.agent, world.other_member) for n in numbers
    }
    expected_messages = {(chat, n) for chat in CHATS.values() for n in numbers}
    lost = len(expected_emails - set(emails)) + len(expected_messages - set(messages))
    duplicated = (sum(emails.values()) - len(emails)) + (sum(messages.values()) - len(messages))

    # Backoff: the gaps between a row's attempts, in simulated seconds.
    gaps = {
        pk: [
            (b - a).total_seconds() * SCALE for a, b in zip(sorted(c), sorted(c)[1:], strict=False)
        ]
        for pk, c in claims.items()
    }
    attempts = Counter(rows.values_list("attempts", flat=True))
    schedule = [delivery.backoff(n) for n in range(1, max_attempts)]  # production seconds
    worker_output = worker.output[-3000:]

    figures = record(
        "relays_down",
        simulated_outage_seconds=3600,
        time_scale=SCALE,
        max_attempts=max_attempts,
        deliveries_due=due,
        email_due=len(expected_emails),
        telegram_due=len(expected_messages),
        delivered=len(set(emails) & expected_emails) + len(set(messages) & expected_messages),
        lost=lost,
        duplicated=duplicated,
        statuses_after_the_hour=dict(statuses_after_hour),
        attempts_per_row=dict(sorted(attempts.items())),
        attempt_gaps_simulated_seconds=_typical(gaps),
        backoff_schedule_seconds=[round(s) for s in schedule],
        admin_list_checks=admin_checks,
        admin_rows_shown_waiting=admin_seen,
        recovery_simulated_seconds=round(recovery_seconds * SCALE),
        seconds=drill_clock(),
    )
    assert recovered, (figures, worker_output)
    assert lost == 0, figures
    assert duplicated == 0, figures
    assert statuses_after_the_hour_waiting(statuses_after_hour), figures
    assert admin_checks and all(admin_seen), figures
    for pk, row_gaps in gaps.items():
        # Each wait at least the backoff for that attempt (claims seen every 0.1 s:
        # a tenth of a real second is 10 simulated seconds of slack).
        for n, gap in enumerate(row_gaps[:-1], start=1):
            assert gap >= schedule[n - 1] - 10, (pk, row_gaps)
        assert row_gaps[-1] >= 0, (pk, row_gaps)


def statuses_after_the_hour_waiting(statuses) -> bool:
    """Still waiting to retry after the hour: none given up as failed, none sent."""
    return set(statuses) <= {DeliveryStatus.RETRYING, DeliveryStatus.SENDING}


def _typical(gaps: dict) -> list:
    """The gaps of the row with the most attempts, rounded."""
    if not gaps:
        return []
    longest = max(gaps.values(), key=len)
    return [round(g) for g in longest]


def _admin_shows_waiting(client, world, rows) -> int:
    """How many rows the admin's list, read by an agent, shows waiting to retry, with the error."""
    client.force_login(world.agent)
    url = reverse("admin:notifications_notification_changelist")
    before = rows.filter(status=DeliveryStatus.RETRYING).count()
    response = client.get(url, {"status__exact": "retrying"})
    after = rows.filter(status=DeliveryStatus.RETRYING).count()
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    shown = body.count("delivery-status ticket-label--waiting_on_client")
    # Rows move between retrying and sending while the page is drawn.
    assert min(before, after) - 4 <= shown <= max(before, after) + 4, (before, shown, after)
    assert "Connection refused" in body, body[:2000]
    return shown
