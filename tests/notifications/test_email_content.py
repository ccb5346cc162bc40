"""What each e-mail says (issue 10): what changed in the subject, the SLA deadline in
the reader's time zone, the resolution, the escalation's reason, and the RFC 8058
one-click unsubscribe headers. Checked on the message as it goes on the wire."""

import email
import email.policy

import pytest
from django.utils import translation

from activity.models import Event
from activity.services import record_event
from notifications.channels.email import EmailChannel
from notifications.channels.telegram import TelegramChannel
from notifications.models import Notification
from notifications.render import render
from tests.tickets.factories import TicketFactory, open_ticket
from tickets import services
from tickets.states import Status

pytestmark = pytest.mark.django_db

SUBJECT = "Router down"
SECRET = "The root password is hunter2-7f3a"


def _wire(event, user):
    row = Notification.objects.get_or_create(event=event, user=user, channel="email")[0]
    built = EmailChannel().build(row, render(event, user))
    return email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)


def _text(parsed):
    return parsed.get_body(preferencelist=("plain",)).get_content()


def _html(parsed):
    return parsed.get_body(preferencelist=("html",)).get_content()


def _sla_warning(world, ticket, due_at="2026-03-02T12:30:00+00:00"):
    return record_event(
        organisation=world.org,
        actor=None,
        verb="sla_warning",
        target=ticket,
        data={
            "number": ticket.number,
            "subject": ticket.subject,
            "kind": "first_response",
            "due_at": due_at,
        },
    )


@pytest.mark.parametrize(
    ("language", "zone", "day", "time"),
    [
        ("es", "America/Santiago", "2 de marzo de 2026", "09:30"),
        # 12:30 UTC is 01:30 the next day in Auckland (in 12- or 24-hour style).
        ("en", "Pacific/Auckland", "3", "1:30"),
    ],
)
def test_an_sla_e_mail_gives_the_deadline_in_the_readers_zone_and_language(
    world, language, zone, day, time
):
    world.supervisor.language, world.supervisor.timezone = language, zone
    world.supervisor.save(update_fields=["language", "timezone"])
    ticket = TicketFactory(organisation=world.org, requester=world.member, subject=SUBJECT)

    parsed = _wire(_sla_warning(world, ticket), world.supervisor)

    with translation.override(language):
        label = translation.gettext("Deadline")
        action = translation.pgettext("e-mail subject", "Deadline close")
    text = _text(parsed)
    deadline_line = next(line for line in text.splitlines() if line.startswith(f"{label}:"))
    assert day in deadline_line and time in deadline_line and f"({zone})" in deadline_line
    assert time in _html(parsed) and zone in _html(parsed)
    assert parsed["Subject"].strip() == f"[{ticket.number}] {action}: {SUBJECT}"


def test_an_sla_event_without_a_deadline_says_none(world):
    # Events recorded before deadlines were in their data keep a working message.
    ticket = TicketFactory(organisation=world.org, requester=world.member, subject=SUBJECT)
    parsed = _wire(_sla_warning(world, ticket, due_at=None), world.supervisor)
    assert "Deadline" not in _text(parsed)
    assert f"{ticket.number} is close to its first response deadline" in _text(parsed)


def test_the_resolved_e_mail_quotes_how_it_was_solved(world):
    ticket = open_ticket(world, SUBJECT)
    services.comment_add(ticket=ticket, author=world.agent, body="Checking the ONT.")
    services.comment_add(ticket=ticket, author=world.agent, body="Replaced the ONT; link is up.")
    services.comment_add(ticket=ticket, author=world.agent, body=SECRET, internal=True)
    services.comment_add(ticket=ticket, author=world.member, body="Thanks!")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    parsed = _wire(Event.objects.get(verb="ticket_resolved"), world.member)

    text, html = _text(parsed), _html(parsed)
    assert "How it was solved:\nReplaced the ONT; link is up." in text
    assert "Replaced the ONT; link is up." in html
    assert "Checking the ONT." not in text
    assert "hunter2" not in text and "hunter2" not in html
    assert parsed["Subject"] == f"[{ticket.number}] Resolved: {SUBJECT}"


def test_a_ticket_resolved_without_a_reply_has_no_empty_quote(world):
    ticket = open_ticket(world, SUBJECT)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    parsed = _wire(Event.objects.get(verb="ticket_resolved"), world.member)

    assert "How it was solved" not in _text(parsed)
    assert "<blockquote" not in _html(parsed)


def test_the_escalation_e_mail_gives_the_reason(world):
    ticket = open_ticket(world, SUBJECT)
    services.ticket_escalate(ticket=ticket, reason="Whole office is offline", by=world.member)

    parsed = _wire(Event.objects.get(verb="ticket_escalated"), world.supervisor)

    assert "Whole office is offline" in _text(parsed)
    assert "Whole office is offline" in _html(parsed)
    assert parsed["Subject"] == f"[{ticket.number}] Escalated: {SUBJECT}"


def test_each_e_mail_of_a_ticket_says_what_changed_and_stays_in_the_thread(world):
    ticket = open_ticket(world, SUBJECT)
    services.comment_add(ticket=ticket, author=world.agent, body="On it.")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    replied = _wire(Event.objects.get(verb="ticket_replied"), world.member)
    resolved = _wire(Event.objects.get(verb="ticket_resolved"), world.member)

    assert replied["Subject"] == f"[{ticket.number}] New reply: {SUBJECT}"
    assert resolved["Subject"] == f"[{ticket.number}] Resolved: {SUBJECT}"
    root = f"<{ticket.number.lower()}@testserver>"
    assert replied["References"] == resolved["References"] == root
    assert replied["In-Reply-To"] == resolved["In-Reply-To"] == root


def test_the_subject_is_in_the_readers_language(world):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    ticket = open_ticket(world, SUBJECT)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    parsed = _wire(Event.objects.get(verb="ticket_resolved"), world.member)

    with translation.override("es"):
        resolved = translation.pgettext("e-mail subject", "Resolved")
    assert parsed["Subject"].strip() == f"[{ticket.number}] {resolved}: {SUBJECT}"


def test_ticket_e_mails_carry_a_one_click_mute_link(world):
    ticket = open_ticket(world, SUBJECT)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    parsed = _wire(Event.objects.get(verb="ticket_resolved"), world.member)

    header = parsed["List-Unsubscribe"].strip()  # folded: it is longer than a line
    assert header.startswith("<http://testserver/notifications/unsubscribe/")
    assert header.endswith("/>")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header[1:-1]
    assert f"Mute this ticket: {link}" in _text(parsed)
    assert f'href="{link}"' in _html(parsed)


def test_other_e_mails_carry_a_link_that_stops_their_kind(world):
    event = record_event(
        organisation=world.org,
        actor=None,
        verb="hours_bank_80",
        data={"contract": "Soporte 2026", "used": 8, "allowance": 10},
    )

    parsed = _wire(event, world.manager)

    link = parsed["List-Unsubscribe"].strip()[1:-1]
    assert link.startswith("http://testserver/notifications/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these e-mails: {link}" in _text(parsed)


def test_telegram_gives_the_deadline_too(world):
    world.agent.timezone = "America/Santiago"
    world.agent.save(update_fields=["timezone"])
    ticket = TicketFactory(organisation=world.org, requester=world.member, assignee=world.agent)
    event = _sla_warning(world, ticket)
    row = Notification.objects.create(event=event, user=world.agent, channel="telegram")

    text = TelegramChannel().render(row, render(event, world.agent))

    assert "Deadline: " in text and "9:30" in text and "(America/Santiago)" in text
