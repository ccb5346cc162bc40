"""The monthly SLA report: its numbers, its admin page and its CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sla.models import BusinessCalendar, Kind, SLAPolicy, SLATarget, TicketClock
from sla.report import Outcome, monthly_report
from tests.factories import UserFactory
from tests.tickets.factories import TicketFactory
from tickets import services
from tickets.states import Priority, Status

REPORT = reverse("admin:sla_report")
HOUR = timedelta(hours=1)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(name="24x7", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar, is_global_default=True)
    for priority in Priority.values:
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            acknowledgement_minutes=15,
            first_response_minutes=60,
            resolution_minutes=480,
        )
    return policy


def ticket_with(organisation, policy, *, created, priority, response=None, resolution=None):
    """A ticket and its clocks in the given states: 'met', 'late', 'running', 'overdue',
    'paused', 'stopped' (merged away), or None for no clock of that kind."""
    ticket = TicketFactory(organisation=organisation, priority=priority, created_at=created)
    for kind, state in ((Kind.FIRST_RESPONSE, response), (Kind.RESOLUTION, resolution)):
        if state is None:
            continue
        due = created + (HOUR if kind == Kind.FIRST_RESPONSE else 8 * HOUR)
        clock = TicketClock(ticket=ticket, policy=policy, kind=kind, target=due - created)
        if state == "met":
            clock.met_at, clock.due_at = due - HOUR / 2, due
        elif state == "late":
            clock.met_at, clock.breached_at, clock.due_at = due + HOUR, due, due
        elif state == "running":  # due long after the report's "now"
            clock.running_since, clock.due_at = created, created + timedelta(days=60)
        elif state == "overdue":
            clock.running_since, clock.due_at = created, due
        elif state == "stopped":
            clock.stopped_at = created + HOUR / 4
        # "paused": nothing running, nothing met
        clock.save()
    # Every ticket also has an acknowledgement clock, which the report leaves out.
    TicketClock.objects.create(
        ticket=ticket, policy=policy, kind=Kind.ACKNOWLEDGEMENT, target=HOUR / 4, met_at=created
    )
    return ticket


@pytest.fixture
def march(world, policy):
    """Andes Fibra (America/Santiago, UTC-3 in March 2026) tickets around March 2026."""
    org, now = world.org, utc(2026, 4, 10)

    def add(created, priority, response=None, resolution=None, organisation=org):
        return ticket_with(
            organisation,
            policy,
            created=created,
            priority=priority,
            response=response,
            resolution=resolution,
        )

    # Critical: 2 responses on time, 1 late; resolutions 1 on time, 1 late, 1 running.
    add(utc(2026, 3, 2, 12), Priority.CRITICAL, "met", "met")
    add(utc(2026, 3, 10, 12), Priority.CRITICAL, "met", "late")
    add(utc(2026, 3, 20, 12), Priority.CRITICAL, "late", "running")
    # High: one on time; one overdue but not yet swept (counts as breached).
    add(utc(2026, 3, 5, 12), Priority.HIGH, "met", "met")
    overdue = add(utc(2026, 3, 6, 12), Priority.HIGH, "met", "overdue")
    # Low: waiting on the client (paused: still running), and a merged duplicate.
    add(utc(2026, 3, 15, 12), Priority.LOW, "paused", "paused")
    add(utc(2026, 3, 16, 12), Priority.LOW, "met", "stopped")
    # 31 March 23:00 in Santiago is 1 April 02:00 UTC: in March.
    add(utc(2026, 4, 1, 2), Priority.HIGH, "late", "late")
    # 28 February 23:00 in Santiago is 1 March 02:00 UTC: not in March.
    add(utc(2026, 3, 1, 2), Priority.CRITICAL, "late", "late")
    # April, and another organisation's March: not in this report.
    add(utc(2026, 4, 5, 12), Priority.CRITICAL, "late", "late")
    add(utc(2026, 3, 10, 12), Priority.CRITICAL, "late", "late", organisation=world.other_org)
    return {"now": now, "overdue": overdue}


def test_monthly_report_counts_per_priority_in_the_organisations_month(
    world, march, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = monthly_report(world.org, 2026, 3, now=march["now"])
    by_priority = {row.priority: row for row in rows}
    assert [row.priority for row in rows] == ["critical", "high", "medium", "low", None]

    critical = by_priority[Priority.CRITICAL]
    assert critical.response == Outcome(met=2, breached=1, running=0)
    assert critical.resolution == Outcome(met=1, breached=1, running=1)
    assert critical.response.share_met == 66.7
    assert critical.resolution.share_met == 50.0

    high = by_priority[Priority.HIGH]
    assert high.response == Outcome(met=2, breached=1, running=0)
    assert high.resolution == Outcome(met=1, breached=2, running=0)

    low = by_priority[Priority.LOW]
    assert low.response == Outcome(met=1, breached=0, running=1)
    assert low.resolution == Outcome(met=0, breached=0, running=1)
    assert low.resolution.share_met is None  # nothing decided yet

    medium = by_priority[Priority.MEDIUM]
    assert medium.response == medium.resolution == Outcome()
    assert medium.response.share_met is None

    total = rows[-1]
    assert str(total.label) == "All priorities"
    assert total.response == Outcome(met=5, breached=2, running=1)
    assert total.resolution == Outcome(met=2, breached=3, running=2)


def test_an_open_clock_counts_as_running_until_its_deadline(world, march):
    overdue = march["overdue"].clocks.get(kind=Kind.RESOLUTION)
    before = monthly_report(world.org, 2026, 3, now=overdue.due_at - HOUR)
    high = next(row for row in before if row.priority == Priority.HIGH)
    assert high.resolution == Outcome(met=1, breached=1, running=1)


def test_report_of_tickets_worked_through_the_services(world, policy):
    answered = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="VPN down",
        description="Nobody can connect.",
        priority=Priority.HIGH,
    )
    # An internal note is not a response to the client.
    services.comment_add(ticket=answered, author=world.agent, body="Checking", internal=True)
    services.comment_add(ticket=answered, author=world.agent, body="Fixed, please check.")
    services.ticket_transition(ticket=answered, to=Status.RESOLVED, by=world.agent)
    waiting = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Slow link",
        description="Since Monday.",
        priority=Priority.HIGH,
    )
    services.comment_add(ticket=waiting, author=world.agent, body="Internal only", internal=True)

    local = timezone.localtime(answered.created_at, ZoneInfo(world.org.timezone))
    high = monthly_report(world.org, local.year, local.month)[1]
    assert high.priority == Priority.HIGH
    assert high.response == Outcome(met=1, breached=0, running=1)
    assert high.resolution == Outcome(met=1, breached=0, running=1)


# --- The admin page ----------------------------------------------------------


def test_report_page_shows_the_table(client_for, world, march, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: march["now"])
    response = client_for(world.supervisor).get(
        REPORT, {"organisation": world.org.pk, "month": "2026-03"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Andes Fibra: tickets opened in March 2026 (America/Santiago time)" in body
    assert "66.7 %" in body and "Download CSV" in body
    assert [row.priority for row in response.context["rows"]][-1] is None
    assert "?organisation=" in response.context["csv_url"]
    assert "format=csv" in response.context["csv_url"]


def test_report_page_without_a_choice_shows_only_the_form(client_for, world, policy):
    response = client_for(world.agent).get(REPORT)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="month"' in body and 'name="organisation"' in body
    assert "Download CSV" not in body and not response.context["rows"]


def test_report_csv(client_for, world, march, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: march["now"])
    response = client_for(world.agent).get(
        REPORT, {"organisation": world.org.pk, "month": "2026-03", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sla-andes-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Priority",
        "Response: met on time",
        "Response: breached",
        "Response: still running",
        "Response: met (%)",
        "Resolution: met on time",
        "Resolution: breached",
        "Resolution: still running",
        "Resolution: met (%)",
    ]
    assert rows[1] == ["Critical", "2", "1", "0", "66.7", "1", "1", "1", "50.0"]
    assert rows[3] == ["Medium", "0", "0", "0", "", "0", "0", "0", ""]
    assert rows[-1] == ["All priorities", "5", "2", "1", "71.4", "2", "3", "2", "40.0"]
    assert len(rows) == 6


@pytest.mark.parametrize("month", ["2026-13", "March", "2026/03", "", "1999-12", "2026-3-1"])
def test_bad_month_gets_a_message_not_an_error(client_for, world, policy, month):
    client = client_for(world.supervisor)
    for extra in ({}, {"format": "csv"}):
        response = client.get(REPORT, {"organisation": world.org.pk, "month": month, **extra})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        errors = response.context["form"].errors["month"]
        assert errors
        assert str(errors[0]) in response.content.decode()


def test_unknown_organisation_gets_a_message(client_for, world, policy):
    response = client_for(world.supervisor).get(REPORT, {"organisation": "999999", "month": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"organisation", "month"}


def test_clients_are_sent_to_the_admin_login(client_for, world, policy):
    for user in (world.member, world.manager, world.partner):
        response = client_for(user).get(REPORT, {"organisation": world.org.pk, "month": "2026-03"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_without_the_permission_are_refused(client_for, world, policy):
    plain = UserFactory(email="plain@support.test", is_staff=True)
    response = client_for(plain).get(REPORT, {"organisation": world.org.pk, "month": "2026-03"})
    assert response.status_code == 403
