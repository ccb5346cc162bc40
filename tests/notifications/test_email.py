"""The notification e-mail: what it says, in whose language, how it threads, how it fails.

`build()` is checked on the message as it goes on the wire (headers parsed
back from its bytes); `send()` goes through Django's SMTP backend to a real
SMTP server on loopback (bench/fake_smtp.py).
"""

import email
import email.policy

import pytest
from django.utils import translation
from django.utils.html import escape

from accounts.templatetags.labels import colon
from activity.models import Event
from bench.fake_smtp import FakeSMTP, free_port
from notifications.channels import email as email_channel
from notifications.channels.email import EmailChannel
from notifications.delivery import send_notification
from notifications.fanout import recipients
from notifications.models import DeliveryStatus, Notification
from notifications.render import render
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Comment
from tickets.states import Status

pytestmark = pytest.mark.django_db

SUBJECT = "Router down in Valparaíso"
SECRET = "The root password is hunter2-7f3a"

# The headline of "Ana Agent moved <number> to waiting on you" and the greeting,
# as the catalogs say them: the status label inside the headline is translated too.
IN_LANGUAGE = {
    "en": ("Ana Agent moved {n} to waiting on you", "Hello Diego,"),
    "es": ("Ana Agent pasó {n} al estado esperando tu respuesta", "Hola, Diego:"),
    "pt": ("Ana Agent passou {n} para o status aguardando você", "Olá, Diego,"),
    "fr": ("Ana Agent a fait passer {n} au statut en attente de votre réponse", "Bonjour Diego,"),
}


def _event(verb, ticket=None):
    events = Event.objects.filter(verb=verb)
    if ticket is not None:
        events = events.filter(data__number=ticket.number)
    return events.latest("pk")


def _row(event, user):
    return Notification.objects.get_or_create(event=event, user=user, channel="email")[0]


def _wire(event, user):
    """The e-mail for `user` about `event`, parsed back from the bytes sent."""
    row = _row(event, user)
    built = EmailChannel().build(row, render(event, user))
    parsed = email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)
    return row, parsed


def _text(parsed):
    return parsed.get_body(preferencelist=("plain",)).get_content()


def _html(parsed):
    return parsed.get_body(preferencelist=("html",)).get_content()


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_subject_both_parts_and_the_recipients_language(world, language):
    world.member.language = language
    world.member.save(update_fields=["language"])
    ticket = open_ticket(world)
    services.ticket_transition(ticket=ticket, to=Status.WAITING_ON_CLIENT, by=world.agent)

    _row, parsed = _wire(_event("ticket_status_changed"), world.member)

    headline, greeting = IN_LANGUAGE[language]
    headline = headline.format(n=ticket.number)
    with translation.override(language):
        button = translation.gettext("Open it in the portal")
        link_label = colon(button)  # "Ouvrir dans le portail :" in French
        changed = translation.pgettext("e-mail subject", "Status changed")
    # Long non-ASCII subjects are folded after "Subject:"; parsed back they start with a space.
    assert parsed["Subject"].strip() == f"[{ticket.number}] {changed}: {SUBJECT}"
    assert parsed["To"] == world.member.email
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    text, html = _text(parsed), _html(parsed)
    assert text.startswith(greeting)
    assert headline in text
    assert f"{ticket.number} · {SUBJECT}" in text
    assert f"{link_label} http://testserver/tickets/{ticket.number}/" in text
    assert escape(greeting) in html
    assert escape(headline) in html
    assert f'<html lang="{language}">' in html
    assert f">{escape(button)}</a>" in html
    if language != "en":
        english = IN_LANGUAGE["en"][0].format(n=ticket.number)
        assert english not in text
        assert english not in html


def test_a_subject_typed_with_a_line_break_stays_one_header(world):
    ticket = open_ticket(world, subject="Router down\r\nBcc: everyone@example.test")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    _row, parsed = _wire(_event("ticket_resolved"), world.member)

    assert (
        parsed["Subject"] == f"[{ticket.number}] Resolved: Router down Bcc: everyone@example.test"
    )
    assert parsed["Bcc"] is None


def test_message_id_is_unique_per_delivery_and_kept_on_a_retry(world):
    ticket = open_ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    resolved = _event("ticket_resolved")

    member_row, to_member = _wire(resolved, world.member)
    _watcher_row, to_watcher = _wire(resolved, world.other_member)
    _same_row, again = _wire(resolved, world.member)

    assert to_member["Message-ID"] == f"<notification-{member_row.pk}.{resolved.pk}@testserver>"
    assert to_member["Message-ID"] != to_watcher["Message-ID"]
    # A retry of one delivery is the same message: mail clients show it once.
    assert again["Message-ID"] == to_member["Message-ID"]


def test_one_ticket_is_one_thread_and_two_tickets_are_two(world):
    first = open_ticket(world)
    second = open_ticket(world, subject="Slow VPN")
    services.comment_add(ticket=first, author=world.agent, body="Looking into it.")
    services.ticket_transition(ticket=first, to=Status.RESOLVED, by=world.agent)
    services.ticket_transition(ticket=second, to=Status.RESOLVED, by=world.agent)

    thread = [
        _wire(_event("ticket_replied", first), world.member)[1],
        _wire(_event("ticket_resolved", first), world.member)[1],
        _wire(_event("ticket_opened", first), world.supervisor)[1],
    ]
    other = _wire(_event("ticket_resolved", second), world.member)[1]

    root = f"<{first.number.lower()}@testserver>"
    for parsed in thread:
        assert parsed["In-Reply-To"] == root
        assert parsed["References"] == root
        # Each subject says what changed; the thread holds on References.
        assert parsed["Subject"].strip().startswith(f"[{first.number}] ")
        assert parsed["Subject"].strip().endswith(f": {SUBJECT}")
    assert [parsed["Subject"].strip() for parsed in thread] == [
        f"[{first.number}] New reply: {SUBJECT}",
        f"[{first.number}] Resolved: {SUBJECT}",
        f"[{first.number}] New ticket: {SUBJECT}",
    ]
    assert len({parsed["Message-ID"] for parsed in thread}) == 3
    assert root not in {parsed["Message-ID"] for parsed in thread}
    assert other["References"] == f"<{second.number.lower()}@testserver>"
    assert other["References"] != root
    assert other["In-Reply-To"] != root


def test_links_are_absolute_to_the_site(world):
    ticket = open_ticket(world)
    comment = services.comment_add(ticket=ticket, author=world.agent, body="Try now.")
    replied = _event("ticket_replied")

    _row, to_client = _wire(replied, world.member)
    _row, to_staff = _wire(_event("ticket_opened"), world.supervisor)

    link = f"http://testserver/tickets/{ticket.number}/#comment-{comment.pk}"
    assert link in _text(to_client)
    assert f'href="{link}"' in _html(to_client)
    admin = f"http://testserver/admin/tickets/ticket/{ticket.pk}/change/"
    assert admin in _text(to_staff)
    assert f'href="{admin}"' in _html(to_staff)


def test_a_public_reply_is_quoted(world):
    ticket = open_ticket(world)
    body = "Please restart the ONT & tell us if the <PON> light turns green."
    services.comment_add(ticket=ticket, author=world.agent, body=body)

    _row, parsed = _wire(_event("ticket_replied"), world.member)

    assert body in _text(parsed)
    assert escape(body) in _html(parsed)
    assert "<PON>" not in _html(parsed)


def test_no_internal_note_reaches_any_part_of_any_email(world):
    ticket = open_ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.comment_add(ticket=ticket, author=world.supervisor, body=SECRET, internal=True)
    services.comment_add(ticket=ticket, author=world.agent, body="We are on it.")
    services.ticket_escalate(ticket=ticket, reason="Whole office down", by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    # A reply turned into an internal note afterwards: its old event must not quote it.
    later = services.comment_add(ticket=ticket, author=world.agent, body=f"Oops: {SECRET}")
    Comment.objects.filter(pk=later.pk).update(is_internal=True)

    people = {world.member, world.other_member, world.agent, world.supervisor, world.manager}
    checked = 0
    for event in Event.objects.filter(organisation=world.org):
        readers = set(recipients(event)) | people
        for user in readers:
            if event.is_internal and not user.is_staff:
                continue
            _row, parsed = _wire(event, user)
            raw = parsed.as_string()
            for part in (parsed["Subject"], _text(parsed), _html(parsed), raw):
                assert "hunter2" not in part, (event.verb, user.email)
            checked += 1
    note = _event("ticket_note_added")
    assert note.is_internal
    # The note's own e-mail, to the assigned agent, says that there is one, not what it says.
    _row, to_agent = _wire(note, world.agent)
    assert f"Sergio Supervisor added an internal note on {ticket.number}" in _text(to_agent)
    assert checked >= 20


# -- sending through a real SMTP server ------------------------------------------------


@pytest.fixture
def smtp(settings):
    with FakeSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def resolved_for_member(world):
    ticket = open_ticket(world)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    return _row(_event("ticket_resolved"), world.member)


def test_sent_through_smtp_once_with_its_headers(smtp, resolved_for_member, world):
    row = resolved_for_member

    assert send_notification(row.pk) is None
    assert send_notification(row.pk) is None  # a second message for the same row sends nothing

    [received] = smtp.messages
    assert received.rcpt_tos == (world.member.email,)
    assert received["Message-ID"] == f"<notification-{row.pk}.{row.event_id}@testserver>"
    assert received["Subject"].strip().startswith("[TKT-")
    assert "Ana Agent resolved" in received.text
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 1, "")
    assert row.sent_at is not None


def test_a_refused_recipient_fails_for_good(smtp, resolved_for_member, world):
    smtp.refuse(world.member.email)
    row = resolved_for_member

    assert send_notification(row.pk) is None

    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert "recipient refused" in row.last_error
    assert "550" in row.last_error
    assert smtp.messages == []


def test_a_greylisted_recipient_is_tried_again(smtp, resolved_for_member, world, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    smtp.refuse(world.member.email, "450 4.2.0 Greylisted, come back later")
    row = resolved_for_member

    delay = send_notification(row.pk)

    row.refresh_from_db()
    assert delay == 30
    assert row.status == DeliveryStatus.RETRYING
    assert "450" in row.last_error


@pytest.mark.parametrize(
    ("reply", "status", "reason"),
    [
        ("554 5.7.1 Rejected as spam", DeliveryStatus.FAILED, "message refused"),
        ("451 4.3.0 Queue full, try later", DeliveryStatus.RETRYING, "SMTPDataError"),
    ],
)
def test_a_message_refused_at_data_fails_on_5xx_and_retries_on_4xx(
    smtp, resolved_for_member, reply, status, reason
):
    smtp.refuse_data(reply)
    row = resolved_for_member

    send_notification(row.pk)

    row.refresh_from_db()
    assert row.status == status
    assert reason in row.last_error
    assert reply.split()[0] in row.last_error


def test_a_relay_that_stops_answering_times_out_and_retries(
    smtp, resolved_for_member, settings, monkeypatch
):
    # No EMAIL_TIMEOUT configured: the channel's own limit still ends the wait,
    # long before the sweep would take the claim back.
    settings.EMAIL_TIMEOUT = None
    monkeypatch.setattr(email_channel, "DEFAULT_TIMEOUT_SECONDS", 0.5)
    smtp.slow(10)
    row = resolved_for_member

    assert send_notification(row.pk) is not None

    row.refresh_from_db()
    assert row.status == DeliveryStatus.RETRYING
    assert "timed out" in row.last_error
    assert smtp.messages == []


def test_a_relay_that_refuses_connections_means_retry(resolved_for_member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    row = resolved_for_member

    delay = send_notification(row.pk)

    row.refresh_from_db()
    assert delay == 30
    assert row.status == DeliveryStatus.RETRYING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at is not None
