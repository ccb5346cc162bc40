"""Who is notified of what, on which channel, and only once."""

import pytest

from activity.models import Event
from activity.services import record_event
from notifications import preferences
from notifications.fanout import fan_out, recipients
from notifications.models import DeliveryStatus, Notification, Preference
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import TicketMute
from tickets.states import Status

pytestmark = pytest.mark.django_db


def _rows(**filters):
    return set(Notification.objects.filter(**filters).values_list("user__email", "channel"))


def test_a_new_ticket_reaches_the_supervisors_not_its_requester(world, dispatch):
    open_ticket(world)
    dispatch()
    opened = Event.objects.get(verb="ticket_opened")
    assert {u.email for u in recipients(opened)} == {world.supervisor.email}
    assert _rows(event=opened) == {
        (world.supervisor.email, "portal"),
        (world.supervisor.email, "email"),
    }


def test_an_agent_reply_reaches_requester_and_watchers_not_the_agent(world, dispatch):
    ticket = open_ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    dispatch()
    services.comment_add(ticket=ticket, author=world.agent, body="We are on it.")
    dispatch()
    replied = Event.objects.get(verb="ticket_replied")
    # Replies are in-portal only by default.
    assert _rows(event=replied) == {
        (world.member.email, "portal"),
        (world.other_member.email, "portal"),
    }


def test_a_client_reply_reaches_the_assigned_agent_only_on_staff_side(world, dispatch):
    ticket = open_ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.comment_add(ticket=ticket, author=world.member, body="Still down.")
    dispatch()
    replied = Event.objects.get(verb="ticket_replied")
    assert {u.email for u in recipients(replied)} == {world.agent.email}


def test_internal_events_reach_staff_only(world, dispatch):
    ticket = open_ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.comment_add(ticket=ticket, author=world.supervisor, body="Secret", internal=True)
    dispatch()
    note = Event.objects.get(verb="ticket_note_added")
    assert {u.email for u in recipients(note)} == {world.agent.email}
    assigned = Event.objects.get(verb="ticket_assigned")
    assert {u.email for u in recipients(assigned)} == {world.agent.email}


def test_muted_ticket_sends_the_muter_nothing(world, dispatch):
    ticket = open_ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    TicketMute.objects.create(ticket=ticket, user=world.member)
    services.comment_add(ticket=ticket, author=world.agent, body="Any news?")
    dispatch()
    assert not Notification.objects.filter(user=world.member).exists()
    # The same reply did go out: the watcher, who did not mute it, has it.
    assert Notification.objects.filter(
        user=world.other_member, event__verb="ticket_replied"
    ).exists()


def test_a_requester_who_left_the_organisation_is_not_notified(world, dispatch):
    ticket = open_ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    world.member.memberships.update(is_active=False)
    services.comment_add(ticket=ticket, author=world.agent, body="Fixed?")
    dispatch()
    assert not Notification.objects.filter(user=world.member).exists()
    assert Notification.objects.filter(
        user=world.other_member, event__verb="ticket_replied"
    ).exists()


def test_resolution_emails_by_default_and_preferences_override(world, dispatch):
    ticket = open_ticket(world)
    Preference.objects.create(
        user=world.member, kind="ticket_resolved", channel="email", enabled=False
    )
    Preference.objects.create(
        user=world.member, kind="ticket_resolved", channel="portal", enabled=False
    )
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    dispatch()
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    resolved = Event.objects.get(verb="ticket_resolved")
    assert _rows(event=resolved) == set()
    services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=world.agent)
    dispatch()
    closed = Event.objects.get(verb="ticket_closed")
    assert _rows(event=closed) == {
        (world.member.email, "portal"),
        (world.member.email, "email"),
        (world.other_member.email, "portal"),
        (world.other_member.email, "email"),
    }


def test_hours_bank_events_reach_the_managers(world, dispatch):
    event = record_event(
        organisation=world.org,
        actor=None,
        verb="hours_bank_80",
        data={"contract": "Soporte", "used": 8, "allowance": 10, "number": "TKT-2026-00001"},
    )
    assert {u.email for u in recipients(event)} == {world.manager.email}


def test_fan_out_twice_writes_each_notification_once(world, dispatch):
    open_ticket(world)
    event = Event.objects.get(verb="ticket_opened")
    fan_out(event)
    fan_out(event)
    assert Notification.objects.filter(event=event).count() == 2
    portal = Notification.objects.get(event=event, channel="portal")
    assert portal.status == DeliveryStatus.SENT
    assert Notification.objects.get(event=event, channel="email").status == DeliveryStatus.PENDING


def test_defaults_follow_the_issue(world):
    wanted = preferences.wanted([world.member.pk], "ticket_escalated")[world.member.pk]
    assert wanted == {"portal", "email"}  # Telegram is off without a bot token
    assert preferences.wanted([world.member.pk], "ticket_replied")[world.member.pk] == {"portal"}


# Each verb's recipients, for a ticket requested by `member`, watched by
# `other_member` and assigned to `agent`, with no actor (so nobody is left out
# as the one acting). Internal verbs are recorded as internal, as their services do.
EVERY_TICKET_PERSON = {"member", "other_member", "agent"}
EXPECTED = {
    "member_invited": {"manager"},
    "member_joined": {"manager"},
    "member_role_changed": {"manager"},
    "member_deactivated": {"manager"},
    "member_reactivated": {"manager"},
    "ticket_opened": EVERY_TICKET_PERSON,
    "ticket_replied": EVERY_TICKET_PERSON,
    "ticket_note_added": {"agent"},
    # Only the colleagues a note names (tests/tickets/test_workspace.py); this one names nobody.
    "ticket_mentioned": set(),
    # Told in the ticket's history only.
    "ticket_split": set(),
    "ticket_tag_added": set(),
    "ticket_tag_removed": set(),
    "ticket_linked": set(),
    "ticket_unlinked": set(),
    "ticket_status_changed": EVERY_TICKET_PERSON,
    "ticket_priority_changed": EVERY_TICKET_PERSON,
    "ticket_assigned": {"agent"},
    "ticket_escalated": EVERY_TICKET_PERSON | {"supervisor"},
    "ticket_call_requested": EVERY_TICKET_PERSON,
    # Closing an escalation and a call done: the client learns support acted.
    "ticket_escalation_resolved": EVERY_TICKET_PERSON,
    "ticket_call_done": EVERY_TICKET_PERSON,
    "ticket_watcher_added": EVERY_TICKET_PERSON,
    "ticket_watcher_removed": EVERY_TICKET_PERSON,
    "ticket_resolved": EVERY_TICKET_PERSON,
    "ticket_closed": EVERY_TICKET_PERSON,
    "ticket_auto_closed": EVERY_TICKET_PERSON,
    "ticket_reopened": EVERY_TICKET_PERSON,
    "ticket_rated": EVERY_TICKET_PERSON,
    "ticket_merged": EVERY_TICKET_PERSON,
    "ticket_merged_in": EVERY_TICKET_PERSON,
    "attachment_added": EVERY_TICKET_PERSON,
    "client_task_added": EVERY_TICKET_PERSON,
    "client_task_done": EVERY_TICKET_PERSON,
    # Only the person the task is asked of (data["user_id"]: other_member below).
    "client_task_assigned": {"other_member"},
    "sla_warning": EVERY_TICKET_PERSON,
    "sla_breached": EVERY_TICKET_PERSON | {"supervisor"},
    "time_logged": EVERY_TICKET_PERSON,
    # diagnostics/services.py: a measurement on the ticket (its start is the feed's only).
    "measurement_started": set(),
    "measurement_finished": EVERY_TICKET_PERSON,
    "time_entry_changed": EVERY_TICKET_PERSON,
    "hours_bank_80": {"manager"},
    "hours_bank_100": {"manager", "supervisor"},
    "recurring_ticket_opened": EVERY_TICKET_PERSON,
    # surveys/services.py: a data form asked on the ticket, and sent back.
    "data_form_requested": EVERY_TICKET_PERSON,
    "data_form_completed": EVERY_TICKET_PERSON,
}
INTERNAL = {
    "ticket_note_added",
    "ticket_assigned",
    "ticket_mentioned",
    "ticket_split",
    "ticket_tag_added",
    "ticket_tag_removed",
    "ticket_linked",
    "ticket_unlinked",
}


def test_every_verb_has_its_recipient_list():
    from core import plugins

    # A wish's verbs are about wishes, not the ticket this test builds:
    # tests/wishes/test_notifications.py says who hears each of them, and
    # tests/knowledge/test_events.py who hears of a new article, and
    # tests/signing/test_notifications.py who hears of a document, and
    # tests/inventory/test_notifications.py who hears of a managed resource, and
    # tests/surveys/test_notifications.py who hears of a survey.
    others = ("wish_", "article_", "document_", "resource_", "survey_")
    assert set(EXPECTED) == {verb for verb in plugins.verbs() if not verb.startswith(others)}


@pytest.mark.parametrize("verb", sorted(EXPECTED))
def test_recipients_of_each_verb(world, verb):
    from tests.tickets.factories import TicketFactory
    from tickets.models import TicketWatcher

    ticket = TicketFactory(organisation=world.org, requester=world.member, assignee=world.agent)
    TicketWatcher.objects.create(ticket=ticket, user=world.other_member)
    event = record_event(
        organisation=world.org,
        actor=None,
        verb=verb,
        visibility="internal" if verb in INTERNAL else "public",
        data={"number": ticket.number, "subject": ticket.subject, "user_id": world.other_member.pk},
    )
    names = {
        name
        for name in ("manager", "member", "other_member", "agent", "supervisor", "partner")
        if getattr(world, name) in recipients(event)
    }
    assert names == EXPECTED[verb]


def test_an_unowned_ticket_brings_the_supervisors_in(world):
    from tests.tickets.factories import TicketFactory

    ticket = TicketFactory(organisation=world.org, requester=world.member)
    for verb in ("ticket_opened", "ticket_call_requested", "recurring_ticket_opened"):
        event = record_event(
            organisation=world.org,
            actor=world.member,
            verb=verb,
            data={"number": ticket.number, "subject": ticket.subject},
        )
        assert recipients(event) == [world.supervisor]


def test_another_organisations_ticket_number_reaches_nobody(world):
    from tests.tickets.factories import TicketFactory

    ticket = TicketFactory(organisation=world.other_org)
    event = record_event(
        organisation=world.org,
        actor=None,
        verb="ticket_replied",
        data={"number": ticket.number, "subject": "x"},
    )
    assert recipients(event) == []
