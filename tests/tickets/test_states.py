"""The transition table, pinned: every (from, to, actor) is checked against a table
written out here by hand, so any change to states.py shows up as a failing case.
Then ticket_transition, which must enforce the table and record the right event.
"""

from itertools import product

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from activity.models import Event
from tests.tickets.factories import TicketFactory
from tickets import services, states
from tickets.models import Ticket
from tickets.states import Actor, Status

WORKING_TARGETS = {"open", "in_progress", "waiting_on_client", "waiting_on_third_party"}
DONE_TARGETS = {"resolved", "closed"}

# actor -> from -> the statuses it may move the ticket to. Everything else is forbidden.
EXPECTED = {
    "agent": {
        "new": WORKING_TARGETS | DONE_TARGETS,
        "open": {"in_progress", "waiting_on_client", "waiting_on_third_party"} | DONE_TARGETS,
        "in_progress": {"open", "waiting_on_client", "waiting_on_third_party"} | DONE_TARGETS,
        "waiting_on_client": {"open", "in_progress", "waiting_on_third_party"} | DONE_TARGETS,
        "waiting_on_third_party": {"open", "in_progress", "waiting_on_client"} | DONE_TARGETS,
        "reopened": WORKING_TARGETS | DONE_TARGETS,
        "resolved": {"reopened", "closed"},
        "closed": {"reopened"},
    },
    "client": {
        "new": set(),
        "open": set(),
        "in_progress": set(),
        "waiting_on_client": {"open"},  # by answering
        "waiting_on_third_party": set(),
        "reopened": set(),
        "resolved": {"reopened", "closed"},  # not fixed / confirmed
        "closed": {"reopened"},
    },
    "system": {
        "new": set(),
        "open": set(),
        "in_progress": set(),
        "waiting_on_client": set(),
        "waiting_on_third_party": set(),
        "reopened": set(),
        "resolved": {"closed"},  # auto-close
        "closed": set(),
    },
}

STATUSES = [s.value for s in Status]
ACTORS = [a.value for a in Actor]


def test_the_expected_table_covers_every_status_and_actor():
    assert set(EXPECTED) == set(ACTORS)
    for table in EXPECTED.values():
        assert set(table) == set(STATUSES)
        assert set().union(*table.values()) <= set(STATUSES)


@pytest.mark.parametrize(
    ("actor", "source", "target"),
    list(product(ACTORS, STATUSES, STATUSES)),
    ids=lambda value: value,
)
def test_transition_table(actor, source, target):
    expected = target in EXPECTED[actor][source]
    assert states.can_transition(source, target, actor) is expected


@pytest.mark.parametrize(("actor", "source"), list(product(ACTORS, STATUSES)))
def test_allowed_targets_agrees_with_the_table(actor, source):
    assert set(states.allowed_targets(source, actor)) == EXPECTED[actor][source]


def test_unknown_actor_or_status_may_do_nothing():
    assert not states.can_transition("resolved", "closed", "partner")
    assert not states.can_transition("resolved", "deleted", "agent")
    assert states.allowed_targets("deleted", "agent") == []


@pytest.mark.parametrize(
    ("status", "after"),
    [
        ("new", None),
        ("open", None),
        ("in_progress", None),
        ("waiting_on_client", "open"),
        ("waiting_on_third_party", None),
        ("reopened", None),
        ("resolved", "reopened"),
        ("closed", "reopened"),
    ],
)
def test_status_after_client_reply(status, after):
    assert states.status_after_reply(status, Actor.CLIENT) == after


@pytest.mark.parametrize("status", STATUSES)
def test_status_after_agent_reply_opens_only_a_new_ticket(status):
    expected = "open" if status == "new" else None
    assert states.status_after_reply(status, Actor.AGENT) == expected


@pytest.mark.parametrize(("actor", "source"), list(product(ACTORS, STATUSES)))
def test_a_reply_moves_a_ticket_only_where_the_actor_may_move_it(actor, source):
    target = states.status_after_reply(source, actor)
    assert target is None or target in EXPECTED[actor][source]


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_takes_replies_as_the_client_may_reopen_a_done_ticket(status):
    assert states.takes_replies(status)


def test_a_merged_ticket_takes_no_replies(ticket_for):
    survivor = ticket_for("open")
    assert survivor.takes_replies
    assert ticket_for("closed").takes_replies
    assert not ticket_for("open", merged_into=survivor).takes_replies


# ticket_transition ----------------------------------------------------------------


def verbs_for(ticket) -> list[str]:
    return list(
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Ticket), target_id=str(ticket.pk)
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )


@pytest.fixture
def ticket_for(world):
    def make(status, **fields):
        return TicketFactory(
            organisation=world.org, requester=world.member, status=status, **fields
        )

    return make


@pytest.mark.parametrize(
    ("source", "target", "who"),
    [
        ("new", "resolved", "member"),  # a client cannot resolve
        ("open", "closed", "member"),  # nor close a ticket support still works on
        ("waiting_on_third_party", "open", "member"),
        ("closed", "resolved", "agent"),  # a closed ticket only reopens
        ("resolved", "open", "agent"),
        ("open", "open", "agent"),  # not a move
        ("open", "archived", "agent"),  # not a status
    ],
)
def test_forbidden_transition_changes_nothing(world, ticket_for, source, target, who):
    ticket = ticket_for(source)
    before = Ticket.objects.values().get(pk=ticket.pk)

    with pytest.raises(ValidationError, match="cannot be moved"):
        services.ticket_transition(ticket=ticket, to=target, by=getattr(world, who))

    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert verbs_for(ticket) == []


def test_system_cannot_close_a_ticket_that_is_not_resolved(ticket_for):
    ticket = ticket_for("open")
    with pytest.raises(ValidationError):
        services.ticket_transition(ticket=ticket, to="closed", by=None, actor=Actor.SYSTEM)
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_merged_ticket_cannot_move(world, ticket_for):
    target = ticket_for("open")
    source = ticket_for("closed", merged_into=target)
    with pytest.raises(ValidationError, match="merged"):
        services.ticket_transition(ticket=source, to="reopened", by=world.agent)
    assert Ticket.objects.get(pk=source.pk).status == "closed"


@pytest.mark.parametrize(
    ("source", "target", "who", "verb"),
    [
        ("new", "resolved", "agent", "ticket_resolved"),
        ("in_progress", "resolved", "agent", "ticket_resolved"),
        ("resolved", "closed", "agent", "ticket_closed"),
        ("resolved", "closed", "member", "ticket_closed"),
        ("open", "closed", "agent", "ticket_closed"),
        ("resolved", "reopened", "member", "ticket_reopened"),
        ("closed", "reopened", "member", "ticket_reopened"),
        ("closed", "reopened", "agent", "ticket_reopened"),
        ("new", "in_progress", "agent", "ticket_status_changed"),
        ("open", "waiting_on_client", "agent", "ticket_status_changed"),
        ("waiting_on_client", "open", "member", "ticket_status_changed"),
    ],
)
def test_allowed_transition_records_its_event(world, ticket_for, source, target, who, verb):
    ticket = ticket_for(source)
    by = getattr(world, who)

    services.ticket_transition(ticket=ticket, to=target, by=by)

    ticket.refresh_from_db()
    assert ticket.status == target
    assert verbs_for(ticket) == [verb]
    event = Event.objects.get(verb=verb)
    assert event.actor == by
    assert event.organisation == world.org
    assert event.data["status"] == target
    assert event.data["number"] == ticket.number
    assert not event.is_internal


def test_resolving_stamps_resolved_at_and_reopening_clears_it(world, ticket_for):
    ticket = ticket_for("in_progress")

    services.ticket_transition(ticket=ticket, to="resolved", by=world.agent)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    assert ticket.closed_at is None

    services.ticket_transition(ticket=ticket, to="closed", by=world.member)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    assert ticket.resolved_at is not None  # when it was fixed stays known

    services.ticket_transition(ticket=ticket, to="reopened", by=world.member)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert ticket.closed_at is None


def test_client_move_counts_as_client_activity(world, ticket_for):
    ticket = ticket_for("resolved")
    before = ticket.last_client_activity_at

    services.ticket_transition(ticket=ticket, to="closed", by=world.member)

    ticket.refresh_from_db()
    assert ticket.last_client_activity_at > before


def test_agent_move_is_not_client_activity(world, ticket_for):
    ticket = ticket_for("open")
    before = ticket.last_client_activity_at

    services.ticket_transition(ticket=ticket, to="in_progress", by=world.agent)

    ticket.refresh_from_db()
    assert ticket.last_client_activity_at == before
    assert ticket.last_activity_at > before
