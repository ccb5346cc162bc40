"""SLA in the admin: the setup pages, the read-only clocks, the queue's SLA column and filter."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from contracts.models import Contract
from sla.display import SHOWN
from sla.models import (
    BusinessCalendar,
    Kind,
    OrganisationPolicy,
    SLAPolicy,
    SLATarget,
    TicketClock,
    WorkingHours,
)
from sla.queries import NO_SLA, mark_filters, ticket_mark, with_marks
from sla.rules import Mark
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Ticket
from tickets.states import Priority, Status

QUEUE = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def policy(db):
    """A 24x7 UTC global default: business time is real time."""
    calendar = BusinessCalendar.objects.create(name="24x7", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar, is_global_default=True)
    for priority, minutes in [
        (Priority.LOW, 480),
        (Priority.MEDIUM, 240),
        (Priority.HIGH, 120),
        (Priority.CRITICAL, 60),
    ]:
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            acknowledgement_minutes=minutes // 4,
            first_response_minutes=minutes // 2,
            resolution_minutes=minutes * 4,
        )
    return policy


def set_deadlines(ticket, *, due, warn):
    """Move the running clocks' stored deadlines, as time passing would."""
    TicketClock.objects.filter(ticket=ticket, running_since__isnull=False).update(
        due_at=due, warn_at=warn
    )
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, sla_warn_at=warn)


def listed(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response


def numbers(response):
    return [t.number for t in response.context["cl"].result_list]


@pytest.fixture
def tickets_in_every_state(world, policy):
    """One ticket per thing the SLA column can say, keyed by what it should say."""
    now = timezone.now()
    made = {}

    made["on_track"] = open_ticket(world, "On track")

    made["at_risk"] = open_ticket(world, "At risk")
    set_deadlines(made["at_risk"], due=now + timedelta(hours=1), warn=now - timedelta(minutes=5))

    made["breached"] = open_ticket(world, "Past due")
    set_deadlines(made["breached"], due=now - timedelta(minutes=1), warn=now - timedelta(hours=1))

    made["paused"] = open_ticket(world, "Waiting on the client")
    services.ticket_transition(ticket=made["paused"], to=Status.WAITING_ON_CLIENT, by=world.agent)

    # Paused after its first response was already late: still owed, and late.
    made["paused_breached"] = open_ticket(world, "Late, then waiting")
    services.ticket_transition(
        ticket=made["paused_breached"], to=Status.WAITING_ON_CLIENT, by=world.agent
    )
    TicketClock.objects.filter(ticket=made["paused_breached"], kind=Kind.FIRST_RESPONSE).update(
        breached_at=now - timedelta(minutes=10)
    )

    made["met"] = open_ticket(world, "Solved in time")
    services.comment_add(ticket=made["met"], author=world.agent, body="Fixed it.")
    services.ticket_transition(ticket=made["met"], to=Status.RESOLVED, by=world.agent)

    made["met_late"] = open_ticket(world, "Solved late")
    services.ticket_transition(ticket=made["met_late"], to=Status.RESOLVED, by=world.agent)
    TicketClock.objects.filter(ticket=made["met_late"], kind=Kind.RESOLUTION).update(
        breached_at=now - timedelta(minutes=1)
    )

    made["none"] = open_ticket(world, "Before any SLA")
    TicketClock.objects.filter(ticket=made["none"]).delete()
    Ticket.objects.filter(pk=made["none"].pk).update(sla_due_at=None, sla_warn_at=None)
    return made


EXPECTED_MARK = {
    "on_track": Mark.ON_TRACK,
    "at_risk": Mark.AT_RISK,
    "breached": Mark.BREACHED,
    "paused": Mark.PAUSED,
    "paused_breached": Mark.BREACHED,
    "met": Mark.MET,
    "met_late": Mark.BREACHED,
    "none": None,
}


# --- Configuration pages ---------------------------------------------------


def test_supervisor_opens_every_sla_page(client_for, world, policy):
    ContractFactory(
        no_bank=True,
        organisation=world.org,
        name="Gold",
        start_date="2026-01-01",
        sla_policy=policy,
    )
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    ticket = open_ticket(world)
    clock = ticket.clocks.get(kind=Kind.RESOLUTION)
    client = client_for(world.supervisor)
    pages = [
        "admin:sla_businesscalendar_changelist",
        "admin:sla_businesscalendar_add",
        ("admin:sla_businesscalendar_change", policy.calendar.pk),
        "admin:sla_slapolicy_changelist",
        "admin:sla_slapolicy_add",
        ("admin:sla_slapolicy_change", policy.pk),
        "admin:sla_organisationpolicy_changelist",
        "admin:sla_organisationpolicy_add",
        "admin:sla_ticketclock_changelist",
        ("admin:sla_ticketclock_change", clock.pk),
        "admin:contracts_contract_changelist",
        "admin:contracts_contract_add",
        ("admin:contracts_contract_change", Contract.objects.get().pk),
        ("admin:app_list", "sla"),
    ]
    for page in pages:
        name, *args = page if isinstance(page, tuple) else (page,)
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_policy_form_offers_statuses_as_checkboxes_and_one_row_per_priority(client_for, world, db):
    calendar = BusinessCalendar.objects.create(name="Office", timezone="America/Santiago")
    client = client_for(world.supervisor)
    body = client.get(reverse("admin:sla_slapolicy_add")).content.decode()
    assert body.count('type="checkbox" name="pausing_statuses"') == len(Status.choices)
    assert 'name="targets-3-priority"' in body and 'name="targets-4-priority"' not in body

    data = {
        "name": "Business hours",
        "calendar": calendar.pk,
        "warning_percent": 75,
        "warning_minutes": "",
        "pausing_statuses": [Status.WAITING_ON_CLIENT],
        "targets-TOTAL_FORMS": 1,
        "targets-INITIAL_FORMS": 0,
        "targets-0-priority": Priority.HIGH,
        "targets-0-acknowledgement_minutes": 15,
        "targets-0-first_response_minutes": 60,
        "targets-0-resolution_minutes": 480,
    }
    response = client.post(reverse("admin:sla_slapolicy_add"), data)
    assert response.status_code == 302
    policy = SLAPolicy.objects.get(name="Business hours")
    assert policy.pausing_statuses == [Status.WAITING_ON_CLIENT]
    assert policy.targets.get().resolution_minutes == 480

    response = client.post(reverse("admin:sla_slapolicy_add"), {**data, "warning_percent": 150})
    assert response.status_code == 200
    assert "Between 1 and 100." in response.content.decode()


def test_only_one_global_default_policy(client_for, world, policy):
    response = client_for(world.supervisor).post(
        reverse("admin:sla_slapolicy_add"),
        {
            "name": "Second default",
            "calendar": policy.calendar.pk,
            "is_global_default": "on",
            "warning_percent": 80,
            "targets-TOTAL_FORMS": 0,
            "targets-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert SLAPolicy.objects.filter(is_global_default=True).count() == 1


def _calendar_data(**extra):
    data = {
        "name": "Office",
        "timezone": "Europe/Madrid",
        "country": "es",
        "subdivision": "md",
        "hours-TOTAL_FORMS": 0,
        "hours-INITIAL_FORMS": 0,
        "holidays-TOTAL_FORMS": 0,
        "holidays-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def _hours(*rows):
    data = {"hours-TOTAL_FORMS": len(rows)}
    for index, (weekday, start, end) in enumerate(rows):
        data.update(
            {
                f"hours-{index}-weekday": weekday,
                f"hours-{index}-start": start,
                f"hours-{index}-end": end,
            }
        )
    return data


def test_calendar_with_hours_and_holidays(client_for, world, db):
    client = client_for(world.supervisor)
    data = _calendar_data(
        **_hours((0, "09:00", "13:00"), (0, "14:00", "00:00")),
        **{"holidays-TOTAL_FORMS": 1, "holidays-0-date": "2026-12-24", "holidays-0-name": "Eve"},
    )
    response = client.post(reverse("admin:sla_businesscalendar_add"), data)
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Office")
    assert (calendar.country, calendar.subdivision) == ("ES", "MD")
    assert [str(h) for h in calendar.hours.all()] == ["Monday 09:00-13:00", "Monday 14:00-00:00"]
    assert calendar.holidays.get().name == "Eve"
    calendar.build()  # the arithmetic accepts what the form let through


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (_hours((0, "09:00", "13:00"), (0, "12:00", "18:00")), "Working hours overlap on Monday."),
        (_hours((2, "18:00", "09:00")), "Must be after the start"),
        ({"country": "XX", "subdivision": ""}, "No public holidays are known"),
        ({"subdivision": "ZZ"}, "Unknown region for ES"),
    ],
)
def test_calendar_refuses_what_the_arithmetic_cannot_use(client_for, world, db, extra, message):
    response = client_for(world.supervisor).post(
        reverse("admin:sla_businesscalendar_add"), _calendar_data(**extra)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BusinessCalendar.objects.exists()
    assert not WorkingHours.objects.exists()


def test_agent_sees_but_cannot_change_sla_setup(client_for, world, policy):
    client = client_for(world.agent)
    change = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    assert client.get(reverse("admin:sla_slapolicy_changelist")).status_code == 200
    page = client.get(change).content.decode()  # read-only
    assert "Waiting on the client, Waiting on a third party" in page
    assert 'name="pausing_statuses"' not in page
    assert client.get(reverse("admin:sla_slapolicy_add")).status_code == 403
    assert client.post(change, {"name": "Hijacked"}).status_code == 403
    policy.refresh_from_db()
    assert policy.name == "Standard"
    for page in ("businesscalendar", "organisationpolicy", "ticketclock"):
        assert client.get(reverse(f"admin:sla_{page}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:sla_{page}_add")).status_code == 403
    assert client.get(reverse("admin:contracts_contract_changelist")).status_code == 200
    assert client.get(reverse("admin:contracts_contract_add")).status_code == 403


def test_clocks_are_read_only_even_for_supervisors(client_for, world, policy):
    ticket = open_ticket(world)
    clock = ticket.clocks.get(kind=Kind.FIRST_RESPONSE)
    client = client_for(world.supervisor)
    response = client.get(reverse("admin:sla_ticketclock_changelist"))
    body = response.content.decode()
    assert ticket.number in body and "sla-mark--on_track" in body
    url = reverse("admin:sla_ticketclock_change", args=[clock.pk])
    assert client.post(url, {"kind": Kind.RESOLUTION}).status_code == 403
    assert client.get(reverse("admin:sla_ticketclock_add")).status_code == 403


def test_a_merged_tickets_clocks_show_as_stopped_not_paused(client_for, world, policy):
    survivor, duplicate = open_ticket(world, "Down"), open_ticket(world, "Down too")
    services.ticket_merge(source=duplicate, target=survivor, by=world.agent)
    response = client_for(world.agent).get(
        reverse("admin:sla_ticketclock_changelist"), {"q": duplicate.number}
    )
    body = response.content.decode()
    assert body.count("sla-mark--stopped") == 3 and "sla-mark--paused" not in body
    # In the queue a merged ticket has no SLA of its own any more.
    assert numbers(listed(client_for(world.agent), sla=NO_SLA, status="all")) == [duplicate.number]


def test_contract_admin_filters_by_organisation_and_checks_dates(client_for, world, policy):
    ContractFactory(
        no_bank=True, organisation=world.org, name="Andes Gold", start_date="2026-01-01"
    )
    ContractFactory(
        no_bank=True, organisation=world.other_org, name="Other Basic", start_date="2026-01-01"
    )
    client = client_for(world.supervisor)
    response = client.get(
        reverse("admin:contracts_contract_changelist"), {"organisation__id__exact": world.org.pk}
    )
    assert [c.name for c in response.context["cl"].result_list] == ["Andes Gold"]
    add = reverse("admin:contracts_contract_add")
    assert "admin-autocomplete" in client.get(add).content.decode()

    data = {
        "organisation": world.org.pk,
        "name": "Andes Platinum",
        "start_date": "2026-03-01",
        "end_date": "2026-02-01",
        "sla_policy": policy.pk,
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.content.decode()
    assert client.post(add, {**data, "end_date": ""}).status_code == 302
    assert Contract.objects.get(name="Andes Platinum").sla_policy == policy


def test_the_policy_list_links_to_the_report(client_for, world, policy):
    report = reverse("admin:sla_report")
    for user in (world.agent, world.supervisor):
        client = client_for(user)
        assert report in client.get(reverse("admin:sla_slapolicy_changelist")).content.decode()
        assert report in client.get(reverse("admin:app_list", args=["sla"])).content.decode()


# --- The queue -------------------------------------------------------------


def test_queue_shows_the_sla_mark_and_the_next_deadline_in_the_agents_time_zone(
    client_for, world, policy
):
    world.agent.timezone = "America/Santiago"
    world.agent.save()
    ticket = open_ticket(world, priority=Priority.HIGH)
    due = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    set_deadlines(ticket, due=due, warn=due - timedelta(minutes=30))
    body = listed(client_for(world.agent)).content.decode()
    row = re.search(rf"<tr>.*?{ticket.number}.*?</tr>", body, re.S).group(0)
    assert 'class="ticket-label sla-mark sla-mark--on_track' in row
    assert ">On track<" in row
    local = due.astimezone(ZoneInfo("America/Santiago"))
    assert f'datetime="{local.isoformat()}"' in row
    with translation.override("en-gb"):  # English outside the US: British, 24-hour
        assert date_format(local, "TIME_FORMAT") in row
    assert "column-next_deadline" in body and "column-sla_mark" in body


def test_queue_column_says_what_each_ticket_state_means(client_for, world, tickets_in_every_state):
    response = listed(client_for(world.agent), status="all")
    body = response.content.decode()
    now = timezone.now()
    marks = {t.number: ticket_mark(t, now) for t in response.context["cl"].result_list}
    for name, ticket in tickets_in_every_state.items():
        assert marks[ticket.number] == EXPECTED_MARK[name], name
        row = re.search(rf"<tr>.*?{ticket.number}.*?</tr>", body, re.S).group(0)
        expected = EXPECTED_MARK[name]
        if expected is None:
            assert "sla-mark" not in row
        else:
            assert f"sla-mark--{expected}" in row


def test_queue_filters_by_sla_mark(client_for, world, tickets_in_every_state):
    client = client_for(world.agent)
    made = tickets_in_every_state

    def found(value):
        return set(numbers(listed(client, sla=value, status="all")))

    assert found(Mark.ON_TRACK) == {made["on_track"].number}
    assert found(Mark.AT_RISK) == {made["at_risk"].number}
    assert found(Mark.BREACHED) == {
        made["breached"].number,
        made["paused_breached"].number,
        made["met_late"].number,
    }
    assert found(Mark.PAUSED) == {made["paused"].number}
    assert found(Mark.MET) == {made["met"].number}
    assert found(NO_SLA) == {made["none"].number}
    # Every ticket is in exactly one bucket, the one its column shows.
    assert sum(len(found(v)) for v in [*Mark.values, NO_SLA]) == len(made)
    # The filter combines with the others.
    assert set(numbers(listed(client, sla=Mark.BREACHED, status=Status.RESOLVED))) == {
        made["met_late"].number
    }
    choices = listed(client).context["cl"].filter_specs
    assert any(spec.title == "SLA" for spec in choices)


@pytest.mark.parametrize("kinds", [None, SHOWN], ids=["every target", "the client's"])
def test_the_column_and_the_filters_are_one_rule(tickets_in_every_state, kinds):
    """ticket_mark (the queue's column) and mark_filters (its filter, the dashboard's
    tickets at risk) put every ticket under the same one mark."""
    now = timezone.now()
    marked = with_marks(Ticket.objects.all(), kinds=kinds)
    filters = mark_filters(now)
    for name, ticket in tickets_in_every_state.items():
        shown = ticket_mark(marked.get(pk=ticket.pk), now)
        assert shown == EXPECTED_MARK[name], name
        found = [mark for mark, q in filters.items() if marked.filter(q, pk=ticket.pk).exists()]
        assert found == [shown or NO_SLA], name


def test_queue_sorts_by_next_deadline_on_request_only(client_for, world, policy):
    now = timezone.now()
    later = open_ticket(world, "Later")
    sooner = open_ticket(world, "Sooner")
    no_clock = open_ticket(world, "Waiting")
    services.ticket_transition(ticket=no_clock, to=Status.WAITING_ON_CLIENT, by=world.agent)
    set_deadlines(later, due=now + timedelta(hours=5), warn=now + timedelta(hours=4))
    set_deadlines(sooner, due=now + timedelta(hours=1), warn=now + timedelta(minutes=30))
    services.comment_add(ticket=later, author=world.member, body="Any news?")
    client = client_for(world.agent)

    # By default the queue stays ordered by the last client activity.
    default = listed(client)
    assert numbers(default)[0] == later.number

    column = default.context["cl"].list_display.index("next_deadline")
    assert numbers(listed(client, o=str(column))) == [sooner.number, later.number, no_clock.number]
    descending = numbers(listed(client, o=f"-{column}"))
    assert descending.index(later.number) < descending.index(sooner.number)


def test_queue_query_count_stays_constant_with_sla_columns(
    client_for, world, policy, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            ticket = open_ticket(world, f"Ticket {n}", priority=Priority.values[n % 4])
            if n % 3 == 1:
                services.ticket_transition(
                    ticket=ticket, to=Status.WAITING_ON_CLIENT, by=world.agent
                )
            elif n % 3 == 2:
                services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)

    client = client_for(world.agent)
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert len(listed(client, status="all").context["cl"].result_list) == 5
    with CaptureQueriesContext(connection) as five_filtered:
        listed(client, sla=Mark.PAUSED)
    add(25)
    with django_assert_max_num_queries(len(five)):
        body = listed(client, status="all").content.decode()
    assert body.count("sla-mark--") == 30
    with django_assert_max_num_queries(len(five_filtered)):
        assert len(listed(client, sla=Mark.PAUSED).context["cl"].result_list) == 10
