"""A recurring schedule's priority is the one staff set, and agents may schedule tickets."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from tests.tickets.factories import RecurringTicketFactory
from tickets import services
from tickets.models import PriorityRule, RecurringTicket, Ticket, TicketPolicy
from tickets.recurring import recurring_run_due
from tickets.states import Priority

pytestmark = pytest.mark.django_db

# Monday 2026-11-23 09:00 in Santiago (summer time, -03).
MONDAY_NINE = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def rule_says_low(world):
    """The organisation does not let clients choose: its rule says low for everything."""
    TicketPolicy.objects.create(organisation=world.org, client_sets_priority=False)
    PriorityRule.objects.create(priority=Priority.LOW)


def test_the_schedules_priority_wins_over_the_organisations_rule(world, rule_says_low):
    template = RecurringTicketFactory(
        organisation=world.org,
        requester=world.member,
        subject="Quarterly firewall review",
        priority=Priority.CRITICAL,
        start_date=date(2026, 1, 5),
        next_run_at=MONDAY_NINE,
    )

    assert recurring_run_due(now=MONDAY_NINE + timedelta(minutes=1)) == 1

    ticket = Ticket.objects.get(subject=template.subject)
    assert ticket.priority == Priority.CRITICAL


def test_a_client_choice_still_follows_the_rule(world, rule_says_low):
    # The control: the same organisation, a client asking for critical.
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Everything is urgent",
        description="Please",
        priority=Priority.CRITICAL,
    )
    assert ticket.priority == Priority.LOW


def test_staff_without_a_priority_get_the_rule(world, rule_says_low):
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="No priority given",
        description="x",
        priority=None,
        priority_by_staff=True,
    )
    assert ticket.priority == Priority.LOW


def _schedule_form(world, **extra):
    return {
        "organisation": world.org.pk,
        "requester": world.member.pk,
        "subject": "Monthly backup check",
        "description": "Restore one file from last night's backup.",
        "priority": Priority.HIGH,
        "frequency": RecurringTicket.Frequency.MONTHLY,
        "start_date": "2026-01-01",
        "time": "09:00",
        "day_of_month": 1,
        "is_active": "on",
        **extra,
    }


def test_an_agent_creates_and_pauses_a_recurring_schedule(client_for, world):
    agent = client_for(world.agent)
    assert agent.get(reverse("admin:tickets_recurringticket_changelist")).status_code == 200
    assert agent.get(reverse("admin:tickets_recurringticket_add")).status_code == 200

    response = agent.post(reverse("admin:tickets_recurringticket_add"), _schedule_form(world))

    assert response.status_code == 302
    template = RecurringTicket.objects.get()
    assert template.priority == Priority.HIGH
    assert template.next_run_at is not None
    change = reverse("admin:tickets_recurringticket_change", args=[template.pk])
    form = _schedule_form(world)
    del form["is_active"]
    assert agent.post(change, form).status_code == 302
    template.refresh_from_db()
    assert not template.is_active


def test_only_a_supervisor_deletes_a_schedule(client_for, world):
    template = RecurringTicketFactory(organisation=world.org, requester=world.member)
    url = reverse("admin:tickets_recurringticket_delete", args=[template.pk])

    assert client_for(world.agent).post(url, {"post": "yes"}).status_code == 403
    assert RecurringTicket.objects.filter(pk=template.pk).exists()
    assert client_for(world.supervisor).post(url, {"post": "yes"}).status_code == 302
    assert not RecurringTicket.objects.filter(pk=template.pk).exists()


def test_clients_never_reach_the_schedules(client_for, world):
    response = client_for(world.manager).get(reverse("admin:tickets_recurringticket_add"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
