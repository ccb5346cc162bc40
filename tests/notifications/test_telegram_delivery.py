"""Telegram delivery: what a linked person receives, against a fake Bot API server.

The fan-out writes the rows (the `dispatch` fixture); each is then sent the way
the worker sends it, `delivery.send_notification(pk)`, and the fake server says
what reached the chat: the text as the user reads it after Telegram parsed its
HTML, so a markup mistake is a 400 here as it would be there.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity.describe import describe
from activity.models import Event
from bench.fake_telegram import FakeTelegram
from notifications import delivery
from notifications.models import DeliveryStatus, Notification, Preference, TelegramLink
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status

pytestmark = [
    pytest.mark.django_db,
    # PTB itself reads RetryAfter.retry_after when it builds one (deprecated int form).
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

CHAT = 258990915


@pytest.fixture
def fake(settings):
    with FakeTelegram() as server:
        settings.TELEGRAM_BOT_TOKEN = server.token
        settings.TELEGRAM_API_URL = server.base_url
        settings.TELEGRAM_BOT_USERNAME = "portal_test_bot"
        settings.SITE_URL = "https://portal.example"
        settings.NOTIFICATION_CHANNELS = ["notifications.channels.telegram.TelegramChannel"]
        yield server


def link(user, chat=CHAT):
    return TelegramLink.objects.create(user=user, chat_id=chat, username="ana_r")


def resolved_ticket(world, subject="Router down in Valparaíso"):
    ticket = open_ticket(world, subject, description="No link.")
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    return ticket


def telegram_rows(**filters):
    return Notification.objects.filter(channel="telegram", **filters).order_by("pk")


def send_all(**filters):
    for pk in telegram_rows(**filters).values_list("pk", flat=True):
        delivery.send_notification(pk)


@pytest.mark.parametrize(
    ("language", "resolved"),
    [("en", "resolved"), ("es", "resolvió"), ("pt", "resolveu"), ("fr", "a résolu")],
)
def test_the_message_has_number_subject_change_and_link_in_the_users_language(
    world, dispatch, fake, language, resolved
):
    world.member.language = language
    world.member.save(update_fields=["language"])
    link(world.member)
    ticket = resolved_ticket(world)
    dispatch()
    [row] = telegram_rows()
    assert row.user == world.member

    assert delivery.send_notification(row.pk) is None

    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)
    [message] = fake.messages(CHAT)
    event = Event.objects.get(verb="ticket_resolved")
    with translation.override(language):
        headline, open_it = describe(event), _("Open it in the portal")
    assert f"{ticket.number} · Router down in Valparaíso" in message["text"]
    assert headline in message["text"]
    assert f"Ana Agent {resolved} {ticket.number}" in message["text"]
    assert open_it in message["text"]
    url = f"https://portal.example/tickets/{ticket.number}/"
    assert f'<a href="{url}">' in message["html"]
    assert message["params"]["parse_mode"] == "HTML"


def test_user_text_is_escaped_so_telegram_accepts_it(world, dispatch, fake):
    link(world.member)
    subject = "Fibre <script> & \"quotes\" 'down' <b>"
    resolved_ticket(world, subject=subject)
    dispatch()

    send_all()

    [message] = fake.messages(CHAT)
    assert subject in message["text"]
    assert telegram_rows().get().status == DeliveryStatus.SENT


def test_internal_notes_never_reach_telegram(world, dispatch, fake):
    ticket = resolved_ticket(world)
    link(world.member, chat=1001)
    link(world.agent, chat=2002)
    # Both ask for everything they may get on Telegram.
    for user, kind in [
        (world.member, "ticket_replied"),
        (world.agent, "ticket_replied"),
        (world.agent, "internal_note"),
    ]:
        Preference.objects.create(user=user, kind=kind, channel="telegram", enabled=True)
    dispatch()
    Notification.objects.all().delete()

    services.comment_add(
        ticket=ticket, author=world.supervisor, body="Router password is hunter2", internal=True
    )
    services.comment_add(ticket=ticket, author=world.supervisor, body="We replaced the ONT.")
    dispatch()
    send_all()

    everything = " ".join(m["html"] for m in fake.messages())
    assert "hunter2" not in everything
    # The client hears of the public reply, with its text; not of the note.
    [client_message] = fake.messages(1001)
    assert "We replaced the ONT." in client_message["text"]
    # The assigned agent hears that a note was added, without what it says.
    agent_texts = fake.texts(2002)
    assert any("added an internal note" in text for text in agent_texts)
    assert len(agent_texts) == 2


def test_a_429_waits_retry_after_without_using_an_attempt(world, dispatch, fake, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    link(world.member)
    resolved_ticket(world)
    dispatch()
    [row] = telegram_rows()
    fake.rate_limit(CHAT, retry_after=7, times=3)

    for _attempt in range(3):
        before = timezone.now()
        assert delivery.send_notification(row.pk) == 7.0
        row.refresh_from_db()
        assert (row.status, row.attempts) == (DeliveryStatus.RETRYING, 0)
        assert before + timedelta(seconds=6) < row.next_attempt_at
        assert row.next_attempt_at < timezone.now() + timedelta(seconds=8)
        assert "wait 7" in row.last_error
        # Not due yet: a second worker handed the id sends nothing.
        assert delivery.send_notification(row.pk) is None
        # Time passes.
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    assert fake.messages(CHAT) == []
    assert delivery.send_notification(row.pk) is None

    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)
    assert len(fake.messages(CHAT)) == 1
    assert [a["status"] for a in fake.attempts] == [429, 429, 429, 200]


def test_a_403_disables_the_link_and_nothing_more_is_sent(world, dispatch, fake):
    telegram_link = link(world.member)
    resolved_ticket(world)
    resolved_ticket(world, subject="Second one")
    dispatch()
    first, second = telegram_rows()
    fake.block(CHAT)

    assert delivery.send_notification(first.pk) is None

    first.refresh_from_db()
    assert first.status == DeliveryStatus.FAILED
    assert first.last_error == "Telegram: Forbidden: bot was blocked by the user"
    telegram_link.refresh_from_db()
    assert (telegram_link.is_active, telegram_link.ended_reason) == (False, "blocked")
    assert telegram_link.notice_pending is True

    delivery.send_notification(second.pk)
    second.refresh_from_db()
    assert (second.status, second.last_error) == (
        DeliveryStatus.FAILED,
        "Telegram is no longer linked",
    )
    # A later event writes no Telegram row at all.
    resolved_ticket(world, subject="Third one")
    dispatch()
    assert telegram_rows().count() == 2
    assert len(fake.attempts) == 1
    assert fake.messages() == []


def test_a_message_is_sent_once_however_often_it_is_handed_over(world, dispatch, fake):
    link(world.member)
    resolved_ticket(world)
    dispatch()
    [row] = telegram_rows()

    for _handover in range(3):
        delivery.send_notification(row.pk)
    # The event dispatched again (the outbox sweep, a retried task) adds no row.
    from activity.tasks import _dispatch

    Event.objects.update(dispatched_at=None)
    for event in Event.objects.all():
        _dispatch(event.pk)
    send_all()

    assert telegram_rows().count() == 1
    assert len(fake.messages(CHAT)) == 1
