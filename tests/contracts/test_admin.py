"""Time, hours banks and objectives in the admin: the agents' side of contracts."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import AGENT
from activity.models import Event
from contracts import services
from contracts.admin.durations import parse_duration
from contracts.models import (
    BankKind,
    BankPeriod,
    Objective,
    TimeEntry,
    TimeEntryRevision,
)
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tickets.factories import open_ticket
from tickets import services as ticket_services
from tickets.models import Comment
from tickets.states import Status

SANTIAGO = ZoneInfo("America/Santiago")
ENTRIES = reverse("admin:contracts_timeentry_changelist")


@pytest.fixture
def contract(world):
    return ContractFactory(
        organisation=world.org, name="Andes Support", start_date=date(2020, 1, 1)
    )


@pytest.fixture
def colleague(world):
    """Another agent: may log time, may not correct Ana's entries."""
    user = UserFactory(email="colleague@support.test", is_staff=True, display_name="Carla")
    user.groups.add(Group.objects.get(name=AGENT))
    return user


def ticket_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def entry_url(entry):
    return reverse("admin:contracts_timeentry_change", args=[entry.pk])


def _management(response, data):
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = form.instance.pk
    return data


def ticket_form(client, ticket, **changes):
    """What the ticket change form posts when the agent fills only `changes`."""
    response = client.get(ticket_url(ticket))
    assert response.status_code == 200
    ticket.refresh_from_db()
    data = {
        "log_minutes": "",
        "log_performed_at_0": "",
        "log_performed_at_1": "",
        "log_description": "",
        "log_billable": "on",
    }
    for inline in response.context["inline_admin_formsets"]:
        for index, _form in enumerate(inline.formset.initial_forms):
            data[f"{inline.formset.prefix}-{index}-ticket"] = ticket.pk
    data.update(_management(response, {}))
    data.update(changes)
    return data


def entry_form(client, entry, **changes):
    """What the time entry change form posts, in the agent's time zone."""
    response = client.get(entry_url(entry))
    assert response.status_code == 200
    local = timezone.localtime(entry.performed_at, ZoneInfo(response.wsgi_request.user.timezone))
    data = {
        "performed_at_0": local.date().isoformat(),
        "performed_at_1": local.strftime("%H:%M:%S"),
        "minutes": str(entry.minutes),
        "description": entry.description,
        "billable": "on" if entry.billable else "",
    }
    data.update(_management(response, {}))
    data.update(changes)
    return data


def log(ticket, agent, minutes=60, description="Checked the logs", **kwargs):
    return services.time_entry_add(
        ticket=ticket, agent=agent, minutes=minutes, description=description, **kwargs
    )


# --- Durations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("45m", 45),
        ("1:30", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("2h", 120),
        (" 1H05 ", 65),
        ("1.5h", 90),
        ("1:75", None),
        ("1:5", None),
        ("abc", None),
        ("-10", None),
        ("1h30h", None),
    ],
)
def test_durations_read_the_way_agents_type_them(typed, minutes):
    assert parse_duration(typed) == minutes


# --- Logging time on the ticket ------------------------------------------------------


def test_agent_logs_time_from_the_ticket_form(client_for, world, contract, ticket):
    world.agent.timezone = "America/Santiago"
    world.agent.save()
    client = client_for(world.agent)
    day = timezone.localtime(timezone.now() - timedelta(days=1), SANTIAGO).date()
    data = ticket_form(
        client,
        ticket,
        log_minutes="1h30",
        log_performed_at_0=day.isoformat(),
        log_performed_at_1="09:15",
        log_description="Replaced the CPE",
    )
    response = client.post(ticket_url(ticket), data)
    assert response.status_code == 302

    entry = TimeEntry.objects.get()
    assert (entry.ticket, entry.agent, entry.minutes) == (ticket, world.agent, 90)
    assert entry.billable and entry.description == "Replaced the CPE"
    # "When" is read in the agent's time zone.
    assert entry.performed_at == datetime.combine(day, time(9, 15), tzinfo=SANTIAGO)
    period = BankPeriod.objects.get()
    assert entry.period == period and period.used_minutes == 90
    event = Event.objects.get(verb="time_logged")
    assert event.actor == world.agent and event.data["number"] == ticket.number
    assert event.data["minutes"] == 90

    page = client.get(ticket_url(ticket))
    body = page.content.decode()
    assert "Replaced the CPE" in body and "1:30" in body
    assert entry_url(entry) in body  # Ana may still correct her entry
    assert page.context["time_log"]["total"] == "1:30"
    assert "1:30 of 10:00 h used this period" in body


def test_time_not_billable_does_not_count_against_the_bank(client_for, world, contract, ticket):
    client = client_for(world.agent)
    data = ticket_form(client, ticket, log_minutes="20", log_description="Internal check")
    del data["log_billable"]  # an unticked checkbox is not posted
    assert client.post(ticket_url(ticket), data).status_code == 302
    entry = TimeEntry.objects.get()
    assert not entry.billable and entry.minutes == 20
    assert not BankPeriod.objects.filter(used_minutes__gt=0).exists()


def test_an_empty_when_means_now(client_for, world, contract, ticket):
    client = client_for(world.agent)
    before = timezone.now()
    data = ticket_form(client, ticket, log_minutes="15", log_description="Called the client")
    assert client.post(ticket_url(ticket), data).status_code == 302
    assert before <= TimeEntry.objects.get().performed_at <= timezone.now()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"log_minutes": "an hour"}, "log_minutes", "hours and minutes"),
        ({"log_minutes": "0"}, "log_minutes", "between 1 minute and 24 hours"),
        ({"log_minutes": "25h"}, "log_minutes", "between 1 minute and 24 hours"),
        ({"log_minutes": "1:75"}, "log_minutes", "hours and minutes"),
        ({"log_minutes": "", "log_description": "Did things"}, "log_minutes", "How long"),
        ({"log_minutes": "30", "log_description": " "}, "log_description", "Say what was done"),
    ],
)
def test_a_bad_time_log_shows_the_error_and_saves_nothing(
    client_for, world, contract, ticket, changes, field, message
):
    client = client_for(world.agent)
    data = ticket_form(client, ticket, **{"log_description": "Checked it", **changes})
    response = client.post(ticket_url(ticket), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    if data["log_description"].strip():
        assert data["log_description"] in response.content.decode()  # what was typed is kept
    assert not TimeEntry.objects.exists()
    assert not Comment.objects.exists()  # nothing of the submission was saved
    assert not BankPeriod.objects.filter(used_minutes__gt=0).exists()
    assert not Event.objects.filter(verb="time_logged").exists()


def test_time_cannot_be_logged_in_the_future(client_for, world, contract, ticket):
    client = client_for(world.agent)
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1)).date()
    data = ticket_form(
        client,
        ticket,
        log_minutes="30",
        log_description="Planned work",
        log_performed_at_0=tomorrow.isoformat(),
        log_performed_at_1="10:00",
    )
    response = client.post(ticket_url(ticket), data)
    assert response.status_code == 200
    assert "log_performed_at" in response.context["adminform"].form.errors
    assert not TimeEntry.objects.exists()


def test_the_ticket_form_offers_edit_only_where_can_edit_allows(
    client_for, world, contract, ticket, colleague
):
    mine = log(ticket, world.agent, 30, "Mine")
    theirs = log(ticket, colleague, 45, "Theirs")
    old = log(ticket, world.agent, 15, "Old one", billable=False)
    TimeEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))

    body = client_for(world.agent).get(ticket_url(ticket)).content.decode()
    assert entry_url(mine) in body
    assert entry_url(theirs) not in body and entry_url(old) not in body
    assert "Old one" in body  # listed all the same

    time_log = client_for(world.supervisor).get(ticket_url(ticket)).context["time_log"]
    editable = {row["entry"].pk for row in time_log["rows"] if row["edit_url"]}
    assert editable == {mine.pk, theirs.pk}
    assert (time_log["total"], time_log["billable"]) == ("1:30", "1:15")


def test_no_time_panel_for_staff_without_the_permission(client_for, world, ticket):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    response = client_for(viewer).get(ticket_url(ticket))
    body = response.content.decode()
    assert 'name="log_minutes"' not in body and "time_log" not in response.context


# --- The time entry admin -----------------------------------------------------------


def test_adding_an_entry_in_the_admin_goes_through_the_service(client_for, world, contract, ticket):
    client = client_for(world.agent)
    add = reverse("admin:contracts_timeentry_add")
    assert "admin-autocomplete" in client.get(add).content.decode()  # ticket by number
    now = timezone.localtime(timezone.now() - timedelta(hours=1))
    response = client.post(
        add,
        {
            "ticket": ticket.pk,
            "performed_at_0": now.date().isoformat(),
            "performed_at_1": now.strftime("%H:%M"),
            "minutes": "2:00",
            "description": "Migrated the mailbox",
            "billable": "on",
        },
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.agent, entry.minutes, entry.ticket) == (world.agent, 120, ticket)
    assert BankPeriod.objects.get().used_minutes == 120
    assert Event.objects.filter(verb="time_logged", actor=world.agent).count() == 1


def test_author_corrects_an_entry_within_the_window(client_for, world, contract, ticket):
    entry = log(ticket, world.agent, 60, "Checked the logs")
    client = client_for(world.agent)
    data = entry_form(client, entry, minutes="1:45", description="Checked the logs, rebooted")
    response = client.post(entry_url(entry), data)
    assert response.status_code == 302

    entry.refresh_from_db()
    assert (entry.minutes, entry.description) == (105, "Checked the logs, rebooted")
    revision = TimeEntryRevision.objects.get()
    assert (revision.entry, revision.minutes, revision.changed_by) == (entry, 60, world.agent)
    assert revision.description == "Checked the logs"
    assert BankPeriod.objects.get().used_minutes == 105  # the total moved
    assert Event.objects.filter(verb="time_entry_changed").count() == 1

    body = client.get(entry_url(entry)).content.decode()
    assert "Earlier versions" in body and "1:00" in body  # the history is shown


def test_saving_an_unchanged_entry_keeps_no_revision(client_for, world, contract, ticket):
    entry = log(ticket, world.agent)
    client = client_for(world.agent)
    assert client.post(entry_url(entry), entry_form(client, entry)).status_code == 302
    assert not TimeEntryRevision.objects.exists()
    assert not Event.objects.filter(verb="time_entry_changed").exists()


def test_supervisor_corrects_an_agents_entry(client_for, world, contract, ticket):
    entry = log(ticket, world.agent, 60)
    client = client_for(world.supervisor)
    data = entry_form(client, entry, billable="")
    assert client.post(entry_url(entry), data).status_code == 302
    entry.refresh_from_db()
    assert not entry.billable and entry.agent == world.agent
    assert BankPeriod.objects.get().used_minutes == 0
    assert TimeEntryRevision.objects.get().changed_by == world.supervisor


def test_another_agent_sees_the_entry_read_only_and_cannot_change_it(
    client_for, world, contract, ticket, colleague
):
    entry = log(ticket, world.agent, 60)
    client = client_for(colleague)
    page = client.get(entry_url(entry))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="minutes"' not in body and 'name="description"' not in body
    assert "Only Ana Agent, who logged it, or a supervisor" in body

    data = {
        "performed_at_0": "2026-01-01",
        "performed_at_1": "10:00",
        "minutes": "5",
        "description": "Hijacked",
        "billable": "on",
    }
    assert client.post(entry_url(entry), data).status_code == 403
    entry.refresh_from_db()
    assert entry.minutes == 60 and entry.description == "Checked the logs"
    assert not TimeEntryRevision.objects.exists()
    assert BankPeriod.objects.get().used_minutes == 60


def test_after_the_window_not_even_the_author_changes_it(
    client_for, world, contract, ticket, settings
):
    entry = log(ticket, world.agent, 60)
    client = client_for(world.agent)
    data = entry_form(client, entry, minutes="10")
    TimeEntry.objects.filter(pk=entry.pk).update(
        created_at=entry.created_at - timedelta(days=settings.TIME_ENTRY_EDIT_DAYS + 1)
    )
    page = client.get(entry_url(entry))
    assert "can no longer be changed" in page.content.decode()
    assert client.post(entry_url(entry), data).status_code == 403
    entry.refresh_from_db()
    assert entry.minutes == 60 and not TimeEntryRevision.objects.exists()
    assert BankPeriod.objects.get().used_minutes == 60


def test_nobody_deletes_a_time_entry(client_for, world, contract, ticket):
    entry = log(ticket, world.agent)
    root = UserFactory(is_staff=True, is_superuser=True)
    delete = reverse("admin:contracts_timeentry_delete", args=[entry.pk])
    for user in (world.agent, world.supervisor, root):
        client = client_for(user)
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert "delete_selected" not in client.get(ENTRIES).content.decode()
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_entry_list_filters_and_search(client_for, world, contract, ticket, colleague):
    elsewhere = open_ticket(world, "Theirs", organisation=world.other_org, requester=world.outsider)
    mine = log(ticket, world.agent, 30, "Rebooted the switch")
    theirs = log(elsewhere, colleague, 45, "Checked DNS", billable=False)
    client = client_for(world.agent)

    def listed(**params):
        response = client.get(ENTRIES, params)
        assert response.status_code == 200
        return {e.pk for e in response.context["cl"].result_list}

    assert listed() == {mine.pk, theirs.pk}
    assert listed(agent__id__exact=colleague.pk) == {theirs.pk}
    assert listed(billable__exact=1) == {mine.pk}
    assert listed(ticket__organisation__id__exact=world.other_org.pk) == {theirs.pk}
    assert listed(q=ticket.number) == {mine.pk}
    assert listed(q="switch") == {mine.pk}


def test_entry_list_queries_do_not_grow_with_entries(
    client_for, world, contract, colleague, django_assert_max_num_queries
):
    tickets = [open_ticket(world, f"Ticket {n}") for n in range(3)]
    tickets.append(open_ticket(world, "Other", organisation=world.other_org))
    agents = [world.agent, colleague, world.supervisor]

    def add(count):
        for n in range(count):
            log(tickets[n % 4], agents[n % 3], 10 + n, f"Work {n}", billable=bool(n % 2))

    client = client_for(world.agent)
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(ENTRIES).context["cl"].result_list) == 5
    add(25)
    with django_assert_max_num_queries(len(five)):
        assert len(client.get(ENTRIES).context["cl"].result_list) == 30


# --- Hours banks ---------------------------------------------------------------------


def test_bank_periods_are_read_only(client_for, world, contract, ticket):
    log(ticket, world.agent, 9 * 60)
    period = BankPeriod.objects.get()
    client = client_for(world.agent)
    response = client.get(reverse("admin:contracts_bankperiod_changelist"))
    body = response.content.decode()
    assert "9:00" in body and "10:00" in body and "90 %" in body
    assert client.get(reverse("admin:contracts_bankperiod_add")).status_code == 403
    url = reverse("admin:contracts_bankperiod_change", args=[period.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"used_minutes": 0}).status_code == 403
    period.refresh_from_db()
    assert period.used_minutes == 9 * 60


def test_supervisor_sets_the_bank_on_a_contract_and_sees_its_periods(
    client_for, world, contract, ticket
):
    log(ticket, world.agent, 11 * 60)  # an hour over the bank
    client = client_for(world.supervisor)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    page = client.get(url)
    body = page.content.decode()
    assert "Hours bank" in body and "Hours bank periods" in body
    assert "11:00" in body and "ticket-overdue" in body  # the overage shows
    assert f"{reverse('admin:contracts_objective_add')}?contract={contract.pk}" in body

    data = _management(
        page,
        {
            "organisation": world.org.pk,
            "name": contract.name,
            "start_date": "2020-01-01",
            "bank_kind": BankKind.YEARLY,
            "bank_hours": "100",
            "carry_over": "on",
            "carry_over_cap_hours": "20",
            "extra_hour_price": "45.50",
            "currency": "usd",
        },
    )
    assert client.post(url, data).status_code == 302
    contract.refresh_from_db()
    assert (contract.bank_kind, contract.bank_hours, contract.currency) == (
        BankKind.YEARLY,
        Decimal("100"),
        "USD",
    )
    assert contract.carry_over_cap_hours == Decimal("20")

    response = client.post(url, {**data, "bank_kind": BankKind.MONTHLY, "bank_hours": "0"})
    assert response.status_code == 200
    assert "bank_hours" in response.context["adminform"].form.errors
    response = client.post(url, {**data, "bank_kind": BankKind.ONE_OFF})
    assert "carry_over" in response.context["adminform"].form.errors


def test_agent_reads_contracts_but_does_not_change_them(client_for, world, contract):
    client = client_for(world.agent)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("admin:contracts_objective_add") not in page.content.decode()
    assert client.post(url, {"bank_hours": "999"}).status_code == 403
    contract.refresh_from_db()
    assert contract.bank_hours == Decimal("10")


# --- Objectives ----------------------------------------------------------------------


def objective_data(contract, tickets=(), **changes):
    return {
        "contract": contract.pk,
        "title": "Migrate the mail",
        "description": "All mailboxes on the new server.",
        "due_date": "2026-12-31",
        "tickets": [t.pk for t in tickets],
        "manual_progress": "",
        "order": 0,
        **changes,
    }


def test_objective_refuses_tickets_of_another_organisation(client_for, world, contract, ticket):
    theirs = open_ticket(world, "Theirs", organisation=world.other_org, requester=world.outsider)
    client = client_for(world.supervisor)
    add = reverse("admin:contracts_objective_add")
    response = client.post(add, objective_data(contract, [ticket, theirs]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["tickets"]
    assert theirs.number in " ".join(errors) and ticket.number not in " ".join(errors)
    assert not Objective.objects.exists()

    assert client.post(add, objective_data(contract, [ticket])).status_code == 302
    assert list(Objective.objects.get().tickets.all()) == [ticket]


def test_ticket_autocomplete_offers_the_contracts_organisation_only(
    client_for, world, contract, ticket
):
    theirs = open_ticket(world, "Theirs", organisation=world.other_org, requester=world.outsider)
    objective = Objective.objects.create(contract=contract, title="Mail")
    client = client_for(world.supervisor)
    page = client.get(reverse("admin:contracts_objective_change", args=[objective.pk]))
    assert f"organisation={world.org.pk}" in page.content.decode()

    params = {"app_label": "contracts", "model_name": "objective", "field_name": "tickets"}
    autocomplete = reverse("admin:autocomplete")
    found = client.get(autocomplete, {**params, "term": "", "organisation": world.org.pk})
    assert {r["id"] for r in found.json()["results"]} == {str(ticket.pk)}
    everything = client.get(autocomplete, {**params, "term": ""})
    assert {r["id"] for r in everything.json()["results"]} == {str(ticket.pk), str(theirs.pk)}


def test_manual_progress_records_who_set_it(client_for, world, contract, ticket):
    done = open_ticket(world, "Done")
    ticket_services.ticket_transition(ticket=done, to=Status.RESOLVED, by=world.agent)
    client = client_for(world.supervisor)
    assert (
        client.post(
            reverse("admin:contracts_objective_add"), objective_data(contract, [ticket, done])
        ).status_code
        == 302
    )
    objective = Objective.objects.get()
    assert objective.manual_progress is None and objective.manual_set_by is None
    url = reverse("admin:contracts_objective_change", args=[objective.pk])
    assert "50 % (1 of 2 tickets done)" in client.get(url).content.decode()

    data = objective_data(contract, [ticket, done], manual_progress="60")
    assert client.post(url, data).status_code == 302
    objective.refresh_from_db()
    assert (objective.manual_progress, objective.manual_set_by) == (60, world.supervisor)
    listing = client.get(reverse("admin:contracts_objective_changelist")).content.decode()
    assert "60 % (set by hand by Sergio Supervisor)" in listing

    assert client.post(url, {**data, "manual_progress": "120"}).status_code == 200
    assert client.post(url, {**data, "manual_progress": ""}).status_code == 302
    objective.refresh_from_db()
    assert objective.manual_progress is None and objective.manual_set_by is None


def test_agent_reads_objectives_supervisor_changes_them(client_for, world, contract, ticket):
    objective = Objective.objects.create(contract=contract, title="Mail")
    url = reverse("admin:contracts_objective_change", args=[objective.pk])
    agent = client_for(world.agent)
    assert agent.get(reverse("admin:contracts_objective_changelist")).status_code == 200
    assert agent.get(url).status_code == 200
    assert agent.get(reverse("admin:contracts_objective_add")).status_code == 403
    data = objective_data(contract, [ticket], title="Renamed", manual_progress="90")
    assert agent.post(url, data).status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Mail" and objective.manual_progress is None

    supervisor = client_for(world.supervisor)
    assert supervisor.post(url, data).status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Renamed" and objective.manual_set_by == world.supervisor
    delete = reverse("admin:contracts_objective_delete", args=[objective.pk])
    assert supervisor.post(delete, {"post": "yes"}).status_code == 302
    assert not Objective.objects.exists()


def test_the_time_log_asks_once_whether_the_reader_is_a_supervisor(
    client_for, world, contract, ticket, colleague
):
    """Colleagues' entries (which only a supervisor may correct) cost no query each."""
    client = client_for(world.agent)

    def page_queries():
        with CaptureQueriesContext(connection) as page:
            assert client.get(ticket_url(ticket)).status_code == 200
        return len(page.captured_queries)

    log(ticket, colleague, 30, "One")
    one = page_queries()
    for n in range(6):
        log(ticket, colleague, 10, f"More {n}")
    assert page_queries() == one
