"""Auto-close: a resolved ticket closes after its organisation's quiet period
(TicketPolicy.auto_close_days, 7 without a policy), once, unless the client replied."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import Event
from tests.factories import OrganisationFactory, member_of
from tests.tickets.factories import TicketFactory
from tickets import services, tasks
from tickets.models import Ticket, TicketPolicy
from tickets.states import Status

NOW = timezone.now()


def resolved(organisation, days_ago, **fields):
    resolved_at = NOW - timedelta(days=days_ago)
    defaults = {
        "status": Status.RESOLVED,
        "resolved_at": resolved_at,
        "updated_at": resolved_at,
        "last_activity_at": resolved_at,
    }
    return TicketFactory(organisation=organisation, **{**defaults, **fields})


def status_of(ticket) -> str:
    return Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)


@pytest.fixture
def orgs(db):
    quick = OrganisationFactory()
    TicketPolicy.objects.create(organisation=quick, auto_close_days=3)
    default = OrganisationFactory()  # no policy row: 7 days
    patient = OrganisationFactory()
    TicketPolicy.objects.create(organisation=patient, auto_close_days=30)
    return quick, default, patient


def test_closes_only_tickets_past_their_organisations_quiet_period(orgs):
    quick, default, patient = orgs
    due = [resolved(quick, 3.1), resolved(default, 7.1), resolved(patient, 31)]
    waiting = [resolved(quick, 2.9), resolved(default, 6.9), resolved(patient, 20)]

    assert services.auto_close_due(now=NOW) == 3

    for ticket in due:
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED
        assert ticket.closed_at == NOW
        assert ticket.last_activity_at == NOW
    assert [status_of(t) for t in waiting] == [Status.RESOLVED] * 3


def test_records_one_event_and_a_second_run_does_nothing(orgs):
    quick, _default, _patient = orgs
    ticket = resolved(quick, 4)

    assert services.auto_close_due(now=NOW) == 1
    assert services.auto_close_due(now=NOW) == 0
    assert services.auto_close_due(now=NOW + timedelta(days=1)) == 0

    event = Event.objects.get()
    assert event.verb == "ticket_auto_closed"
    assert event.actor is None
    assert event.organisation == quick
    assert event.target == ticket
    assert event.data == {"number": ticket.number, "subject": ticket.subject, "days": 3}
    assert not event.is_internal  # the client sees why the ticket closed


@pytest.mark.parametrize(
    "status",
    [
        Status.NEW,
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.WAITING_ON_CLIENT,
        Status.WAITING_ON_THIRD_PARTY,
        Status.REOPENED,
        Status.CLOSED,
    ],
)
def test_leaves_tickets_that_are_not_resolved(orgs, status):
    ticket = resolved(orgs[0], 60, status=status)

    assert services.auto_close_due(now=NOW) == 0

    assert status_of(ticket) == status
    assert not Event.objects.exists()


def test_client_reply_reopens_and_so_keeps_it_open(orgs):
    quick = orgs[0]
    member = member_of(quick)
    ticket = TicketFactory(organisation=quick, requester=member, status=Status.IN_PROGRESS)
    agent = member_of(OrganisationFactory(), is_staff=True)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=agent)

    services.comment_add(ticket=ticket, author=member, body="Not fixed, it dropped again.")

    assert services.auto_close_due(now=timezone.now() + timedelta(days=30)) == 0
    assert status_of(ticket) == Status.REOPENED


def test_resolved_again_restarts_the_quiet_period(orgs):
    quick = orgs[0]
    member = member_of(quick)
    agent = member_of(OrganisationFactory(), is_staff=True)
    ticket = resolved(quick, 10, requester=member)
    services.comment_add(ticket=ticket, author=member, body="It is back.")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=agent)
    now = timezone.now()

    assert services.auto_close_due(now=now + timedelta(days=2)) == 0
    assert services.auto_close_due(now=now + timedelta(days=3, seconds=1)) == 1


def test_tickets_not_yet_due_do_not_hold_back_those_that_are(orgs):
    quick, _default, patient = orgs
    # Resolved longer ago, but their organisation waits 30 days.
    for _ in range(3):
        resolved(patient, 20)
    due = resolved(quick, 5)

    assert services.auto_close_due(now=NOW, limit=2) == 1

    assert status_of(due) == Status.CLOSED


def test_limit_leaves_the_rest_for_the_next_sweep(orgs):
    quick = orgs[0]
    tickets = [resolved(quick, 10 - i) for i in range(3)]

    assert services.auto_close_due(now=NOW, limit=2) == 2
    assert services.auto_close_due(now=NOW, limit=2) == 1

    assert {status_of(t) for t in tickets} == {Status.CLOSED}


def test_task_called_directly(orgs):
    quick, default, _patient = orgs
    old = resolved(default, 8)
    recent = resolved(quick, 1)

    assert tasks.auto_close_sweep() == 1
    assert tasks.auto_close_sweep() == 0

    assert status_of(old) == Status.CLOSED
    assert status_of(recent) == Status.RESOLVED
