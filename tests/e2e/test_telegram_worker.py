"""Telegram end to end: a real Celery worker sends through the fake Bot API.

The worker is a `celery worker` subprocess against the test database and the
test run's Redis; it reaches the fake Bot API server (a thread of this process)
over loopback, with its Telegram settings passed in its environment. The
browser test links an account the way a person does: the profile's button,
Telegram's update arriving at the webhook, the profile updating by itself.
"""

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import expect

from activity.models import Event
from bench.fake_telegram import FakeTelegram, message_update
from notifications.models import DeliveryStatus, Notification, TelegramLink
from notifications.tasks import send_notifications
from tests.e2e.conftest import sign_in
from tests.e2e.worker import wait_until
from tests.factories import PASSWORD
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook-secret"
TIMEOUT = 20.0


@pytest.fixture(scope="module")
def fake_telegram():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def telegram_worker(start_worker, fake_telegram):
    return start_worker(
        TELEGRAM_BOT_TOKEN=fake_telegram.token,
        TELEGRAM_API_URL=fake_telegram.base_url,
        TELEGRAM_BOT_USERNAME="portal_test_bot",
        SITE_URL="https://portal.example",
        # Telegram only: the e-mail channel has its own tests.
        NOTIFICATION_CHANNELS="notifications.channels.telegram.TelegramChannel",
        NOTIFICATION_RETRY_BASE_SECONDS="1",
    )


@pytest.fixture
def worker(telegram_worker, fake_telegram, transactional_db, settings):
    """The module's worker and a clean fake; this process configured like the worker."""
    telegram_worker.assert_alive()
    fake_telegram.reset()
    settings.TELEGRAM_BOT_TOKEN = fake_telegram.token
    settings.TELEGRAM_API_URL = fake_telegram.base_url
    settings.TELEGRAM_BOT_USERNAME = "portal_test_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.NOTIFICATION_CHANNELS = ["notifications.channels.telegram.TelegramChannel"]
    mark = telegram_worker.mark()
    yield telegram_worker
    # Printed in teardown: pytest shows it only for a failing test.
    print("Celery worker output during the test:\n" + telegram_worker.output_since(mark))


def link(user, chat):
    return TelegramLink.objects.create(user=user, chat_id=chat, username="diego")


def resolve_a_ticket(world, subject="Office internet down"):
    with transaction.atomic():
        ticket = open_ticket(world, subject, description="Down.")
        services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    return Event.objects.get(verb="ticket_resolved", data__number=ticket.number)


def telegram_row(event, user):
    return Notification.objects.filter(event=event, user=user, channel="telegram").first()


def row_in(event, user, *statuses):
    row = telegram_row(event, user)
    return row if row is not None and row.status in statuses else None


def tasks_done(worker, mark, task: str) -> int:
    return len(re.findall(rf"{re.escape(task)}\[[^]]+\] succeeded", worker.output_since(mark)))


def test_a_resolved_ticket_reaches_the_linked_member_once(worker, world, fake_telegram):
    link(world.member, chat=1001)

    event = resolve_a_ticket(world)

    row = wait_until(lambda: row_in(event, world.member, DeliveryStatus.SENT), TIMEOUT)
    assert row is not None, worker.output
    [message] = fake_telegram.messages(1001)
    assert event.data["number"] in message["text"]
    assert "Office internet down" in message["text"]
    assert "resolved" in message["text"]

    # Handed over again, the way a retried task or the sweep would: nothing more is sent.
    mark = worker.mark()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    from activity.tasks import dispatch_event

    dispatch_event.delay(event.pk)
    send_notifications.delay([row.pk])
    send_notifications.delay([row.pk])
    assert wait_until(
        lambda: (
            tasks_done(worker, mark, "notifications.tasks.send_notifications") >= 2
            and tasks_done(worker, mark, "activity.tasks.dispatch_event") >= 1
        ),
        TIMEOUT,
    ), worker.output_since(mark)
    assert len(fake_telegram.messages(1001)) == 1
    assert Notification.objects.filter(channel="telegram").count() == 1


def test_a_429_waits_retry_after_then_sends_once(worker, world, fake_telegram):
    link(world.member, chat=2002)
    fake_telegram.rate_limit(2002, retry_after=1)

    event = resolve_a_ticket(world)

    row = wait_until(lambda: row_in(event, world.member, DeliveryStatus.SENT), TIMEOUT)
    assert row is not None, worker.output
    first, second = fake_telegram.attempts
    assert (first["status"], second["status"]) == (429, 200)
    assert second["at"] - first["at"] >= 1.0  # Telegram's retry_after was honoured
    assert row.attempts == 1  # a rate limit does not use up an attempt
    assert len(fake_telegram.messages(2002)) == 1


def test_a_403_disables_the_link_and_nothing_more_is_sent(worker, world, fake_telegram):
    telegram_link = link(world.member, chat=3003)
    fake_telegram.block(3003)

    event = resolve_a_ticket(world)

    row = wait_until(lambda: row_in(event, world.member, DeliveryStatus.FAILED), TIMEOUT)
    assert row is not None, worker.output
    assert "blocked" in row.last_error
    telegram_link.refresh_from_db()
    assert (telegram_link.is_active, telegram_link.ended_reason) == (False, "blocked")
    assert telegram_link.notice_pending is True

    later = resolve_a_ticket(world, subject="Printer offline")
    assert wait_until(
        lambda: Event.objects.filter(pk=later.pk, dispatched_at__isnull=False).exists(), TIMEOUT
    ), worker.output
    # The member still hears of it in the portal; Telegram is not tried again.
    assert Notification.objects.filter(event=later, user=world.member, channel="portal").exists()
    assert telegram_row(later, world.member) is None
    assert len(fake_telegram.attempts) == 1
    assert fake_telegram.messages() == []


# Linking from the profile, in a browser --------------------------------------------


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def _telegram_posts(url, update):
    request = urllib.request.Request(
        url + reverse("notifications:telegram_webhook"),
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_linking_from_the_profile_with_the_bot(
    worker, live_world, live_server, page, browser_errors, fake_telegram
):
    world = live_world
    _login(page, live_server.url, world.member.email)
    page.goto(live_server.url + reverse("accounts:profile"))
    section = page.locator("#telegram")
    section.get_by_role("button", name="Link Telegram", exact=True).click()

    # The deep link is shown in place (htmx), for a computer user to open on the phone.
    open_telegram = section.get_by_role("link", name="Open Telegram")
    open_telegram.wait_for()
    deep_link = open_telegram.get_attribute("href")
    assert deep_link.startswith("https://t.me/portal_test_bot?start=")
    expect(section.locator("code")).to_have_text(deep_link)
    token = parse_qs(urlsplit(deep_link).query)["start"][0]

    # The user presses Start in Telegram; Telegram posts the update to the webhook.
    assert _telegram_posts(live_server.url, message_update(9001, 4004, f"/start {token}")) == 200

    # The profile notices by itself, and the bot's answer reaches the chat.
    section.get_by_role("button", name="Unlink Telegram").wait_for(timeout=10_000)
    assert "@ana_r" in section.inner_text()
    [reply] = fake_telegram.wait_for_messages(1, chat_id=4004, timeout=TIMEOUT)
    assert "Diego" in reply["text"]

    section.get_by_role("button", name="Unlink Telegram").click()
    section.get_by_role("button", name="Link Telegram", exact=True).wait_for()
    assert "You unlinked Telegram in your profile." in section.inner_text()
    assert TelegramLink.objects.get(user=world.member).is_active is False
    assert browser_errors == []
