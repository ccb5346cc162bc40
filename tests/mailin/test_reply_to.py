"""The notification e-mails' Reply-To: the reader's own reply address for the ticket,
which brings their answer back to it; none when replies by e-mail are off."""

import email
import email.policy

import pytest

from activity.models import Event
from mailin import services, tokens
from mailin.models import Outcome
from notifications.channels.email import EmailChannel
from notifications.models import Notification
from notifications.render import render
from tickets import services as ticket_services
from tickets.models import Comment
from tickets.states import Status

from .mail import reply

pytestmark = pytest.mark.django_db


def _wire(event, user):
    row = Notification.objects.get_or_create(event=event, user=user, channel="email")[0]
    built = EmailChannel().build(row, render(event, user))
    return email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)


@pytest.fixture
def resolved(world, ticket):
    ticket_services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    return Event.objects.get(verb="ticket_resolved", data__number=ticket.number)


def test_each_reader_gets_their_own_reply_address(world, ticket, resolved):
    ticket_services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    to_member = _wire(resolved, world.member)["Reply-To"]
    to_watcher = _wire(resolved, world.other_member)["Reply-To"]
    assert to_member == f"reply+{tokens.make(ticket.pk, world.member.pk)}@support.example"
    assert to_watcher == f"reply+{tokens.make(ticket.pk, world.other_member.pk)}@support.example"


def test_answering_the_e_mail_reopens_the_ticket_with_the_reply(world, ticket, resolved):
    wire = _wire(resolved, world.member)
    answer = reply(to=str(wire["Reply-To"]), sender=world.member.email, body="Still broken.")

    assert services.receive(answer, source="imap").outcome == Outcome.REPLIED

    comment = Comment.objects.get(ticket=ticket, data__via="email")
    assert comment.body == "Still broken."
    ticket.refresh_from_db()
    assert ticket.status != Status.RESOLVED


def test_no_reply_address_when_it_is_off(world, resolved, settings):
    settings.INBOUND_REPLY_ADDRESS = ""
    assert _wire(resolved, world.member)["Reply-To"] is None


def test_an_event_about_no_ticket_has_no_reply_address(world):
    from activity.services import record_event
    from core.plugins import verbs

    verb = next(key for key, v in verbs().items() if v.audience == "organisation" and v.notify)
    event = record_event(organisation=world.org, actor=world.manager, verb=verb, data={})
    assert _wire(event, world.member)["Reply-To"] is None
