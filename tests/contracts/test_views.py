"""The client's contract pages: list, contract page, live part, dashboard widget."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Objective, Service
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import TicketFactory, open_ticket
from tickets.states import Status


def _log(ticket, agent, minutes, what="Checked the logs", billable=True, when=None):
    return services.time_entry_add(
        ticket=ticket,
        agent=agent,
        minutes=minutes,
        description=what,
        billable=billable,
        performed_at=when,
    )


def _page(client, user, contract, **params):
    client.force_login(user)
    return client.get(reverse("contracts:detail", args=[contract.pk]), params)


# Who sees contracts -----------------------------------------------------------------


def test_manager_sees_the_organisations_contracts(client, world, contract):
    ContractFactory(organisation=world.other_org, name="Theirs")
    client.force_login(world.manager)
    response = client.get(reverse("contracts:list"))
    assert response.status_code == 200
    assert "Soporte 2026" in response.content.decode()
    assert "Theirs" not in response.content.decode()


def test_the_assigned_partner_sees_contract_pages(client, world, contract, ticket):
    _log(ticket, world.agent, 30)
    client.force_login(world.partner)
    for name in ("contracts:detail", "contracts:live", "contracts:statement_csv"):
        assert client.get(reverse(name, args=[contract.pk])).status_code == 200
    assert client.get(reverse("contracts:list")).status_code == 200
    # The navigation offers what the pages allow, and not the manager-only team.
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert f'href="{reverse("contracts:list")}"' in dashboard
    assert f'href="{reverse("accounts:team")}"' not in dashboard


@pytest.mark.parametrize(
    "name",
    ["contracts:detail", "contracts:live", "contracts:statement_pdf", "contracts:statement_csv"],
)
def test_a_plain_member_gets_404(client, world, contract, ticket, name):
    # Hours and prices are manager information, even in one's own organisation.
    _log(ticket, world.agent, 30)
    client.force_login(world.member)
    assert client.get(reverse(name, args=[contract.pk])).status_code == 404


def test_a_plain_member_has_no_contracts_area(client, world, contract):
    client.force_login(world.member)
    assert client.get(reverse("contracts:list")).status_code == 404
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("contracts:list") not in dashboard
    client.force_login(world.manager)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert f'href="{reverse("contracts:list")}"' in dashboard


def test_staff_work_in_the_admin_not_here(client, world, contract):
    client.force_login(world.supervisor)
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert client.get(reverse("contracts:list")).status_code == 404


def test_a_manager_of_two_organisations_is_switched_to_the_contracts_one(client, world, contract):
    from accounts.access import SESSION_KEY
    from accounts.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.manager, organisation=world.other_org, role=Role.MANAGER)
    client.force_login(world.manager)
    session = client.session
    session[SESSION_KEY] = world.other_org.pk
    session.save()
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
    assert client.session[SESSION_KEY] == world.org.pk


def test_wrong_method(client, world, contract):
    client.force_login(world.manager)
    assert client.post(reverse("contracts:detail", args=[contract.pk])).status_code == 405
    assert client.post(reverse("contracts:list")).status_code == 405


# The hours bank ---------------------------------------------------------------------


def test_used_available_and_the_bar(client, world, contract, ticket):
    _log(ticket, world.agent, 90, "Replaced the power supply")
    _log(ticket, world.agent, 60, "Follow-up call", billable=False)
    body = _page(client, world.manager, contract).content.decode()
    assert 'id="bank-used">1 h 30<' in body
    assert "8 h 30" in body  # available
    assert "bar-15" in body  # 15 % used
    assert "Replaced the power supply" in body
    # Not billed: shown and marked, not counted.
    assert "Follow-up call" in body
    assert "entry--free" in body
    assert ' style="' not in body and "<style" not in body


def test_the_breakdown_per_ticket_links_each_ticket(client, world, contract, ticket):
    other = open_ticket(world, "VPN slow")
    _log(ticket, world.agent, 45)
    _log(ticket, world.agent, 30)
    _log(other, world.agent, 120)
    body = _page(client, world.manager, contract).content.decode()
    assert reverse("tickets:detail", args=[ticket.number]) in body
    assert reverse("tickets:detail", args=[other.number]) in body
    first, second = body.index("VPN slow"), body.index("Router down")
    assert first < second  # most hours first
    assert "1 h 15" in body and "2 h" in body


def test_overage_is_shown_with_the_price_of_extra_hours(client, world, contract, ticket):
    _log(ticket, world.agent, 13 * 60 + 30)
    body = _page(client, world.manager, contract).content.decode()
    assert "3 h 30 over the bank" in body
    assert "extra hours at 45.00 EUR each" in body
    assert "157.50 EUR so far" in body
    assert "bank-bar--over" in body


def test_carried_over_hours_are_shown(client, world, contract, ticket):
    contract.carry_over, contract.carry_over_cap_hours = True, Decimal("3")
    contract.save()
    now = timezone.now()
    _log(ticket, world.agent, 60, when=now - timedelta(days=40))
    body = _page(client, world.manager, contract).content.decode()
    assert "3 h carried over" in body
    assert ">13 h<" in body


def test_entry_dates_are_in_the_users_time_zone(client, world, contract, ticket):
    world.manager.timezone = "Asia/Tokyo"
    world.manager.save()
    _log(ticket, world.agent, 30, when=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    body = _page(client, world.manager, contract, period="2026-03-01").content.decode()
    assert "2026-03-11T08:30:00+09:00" in body


def test_earlier_periods_can_be_chosen(client, world, contract, ticket):
    _log(ticket, world.agent, 45, "March work", when=datetime(2026, 3, 10, 15, tzinfo=UTC))
    _log(ticket, world.agent, 20, "Work this month")
    body = _page(client, world.manager, contract, period="2026-03-01").content.decode()
    assert "March work" in body and "Work this month" not in body
    assert 'value="2026-03-01" selected' in body
    current = _page(client, world.manager, contract).content.decode()
    assert "Work this month" in current and "March work" not in current


@pytest.mark.parametrize("period", ["", "2025-13-45", "garbage", "1999-01-01", "2026-03-02"])
def test_unknown_periods_are_ignored(client, world, contract, ticket, period):
    _log(ticket, world.agent, 20, "Work this month")
    response = _page(client, world.manager, contract, period=period)
    assert response.status_code == 200
    assert "Work this month" in response.content.decode()


def test_the_period_picker_gets_only_the_live_part(client, world, contract, ticket):
    _log(ticket, world.agent, 20)
    client.force_login(world.manager)
    response = client.get(
        reverse("contracts:detail", args=[contract.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="contract-live"')
    assert "HX-Request" in response["Vary"]


def test_entries_are_paginated(client, world, contract, ticket):
    for n in range(55):
        _log(ticket, world.agent, 5, f"Entry {n:02d}")
    first = _page(client, world.manager, contract).content.decode()
    assert "Entry 54" in first and "Entry 04" not in first
    assert "Page 1 of 2" in first
    second = _page(client, world.manager, contract, page=2).content.decode()
    assert "Entry 04" in second and "Entry 54" not in second


def _entries(world, count, tickets):
    made = [TicketFactory(organisation=world.org, requester=world.member) for _ in range(tickets)]
    for n in range(count):
        _log(made[n % tickets], world.agent, 10)


def _queries(client, contract):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert response.status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_entries(client, world, contract):
    client.force_login(world.manager)
    _entries(world, 3, tickets=2)
    few = _queries(client, contract)
    _entries(world, 57, tickets=20)
    assert _queries(client, contract) == few


# Live -------------------------------------------------------------------------------


def _live(client, contract, version, **params):
    return client.get(reverse("contracts:live", args=[contract.pk]), {"v": version, **params})


def test_live_is_204_until_something_changes(client, world, contract, ticket):
    _log(ticket, world.agent, 30)
    body = _page(client, world.manager, contract).content.decode()
    version = body.split("v=", 1)[1].split('"', 1)[0]
    assert _live(client, contract, version).status_code == 204
    _log(ticket, world.agent, 60)
    fresh = _live(client, contract, version)
    assert fresh.status_code == 200
    assert 'id="bank-used">1 h 30<' in fresh.content.decode()
    new_version = fresh.content.decode().split("v=", 1)[1].split('"', 1)[0]
    assert new_version != version
    assert _live(client, contract, new_version).status_code == 204


def test_an_idle_live_poll_of_the_current_period_does_not_list_the_periods(
    client, world, contract, ticket
):
    _log(ticket, world.agent, 30)
    _log(ticket, world.agent, 45, when=datetime(2026, 3, 10, 15, tzinfo=UTC))
    body = _page(client, world.manager, contract).content.decode()
    version = body.split("v=", 1)[1].split('"', 1)[0]
    with CaptureQueriesContext(connection) as queries:
        assert _live(client, contract, version).status_code == 204
    periods = [q["sql"] for q in queries if 'FROM "contracts_bankperiod"' in q["sql"]]
    # The shown period is read alone, never the list of them all the picker needs.
    assert periods and all("LIMIT" in sql for sql in periods)


def test_live_notices_an_unbilled_entry_and_an_objective(client, world, contract, ticket):
    _log(ticket, world.agent, 30)
    body = _page(client, world.manager, contract).content.decode()
    version = body.split("v=", 1)[1].split('"', 1)[0]
    _log(ticket, world.agent, 15, billable=False)
    assert _live(client, contract, version).status_code == 200
    version = _live(client, contract, "").content.decode().split("v=", 1)[1].split('"', 1)[0]
    objective = Objective.objects.create(contract=contract, title="Migrate the VPN")
    assert _live(client, contract, version).status_code == 200
    version = _live(client, contract, "").content.decode().split("v=", 1)[1].split('"', 1)[0]
    objective.tickets.add(ticket)
    assert _live(client, contract, version).status_code == 200


def test_live_keeps_the_chosen_period_and_page(client, world, contract, ticket):
    _log(ticket, world.agent, 45, "March work", when=datetime(2026, 3, 10, 15, tzinfo=UTC))
    client.force_login(world.manager)
    body = _live(client, contract, "", period="2026-03-01").content.decode()
    assert "March work" in body
    assert "period=2026-03-01&amp;" in body


# Objectives and services ------------------------------------------------------------


def test_objectives_progress_from_tickets_or_set_by_support(client, world, contract):
    done = TicketFactory(organisation=world.org, requester=world.member, resolved=True)
    working = TicketFactory(organisation=world.org, requester=world.member, subject="Cabling")
    foreign = TicketFactory(organisation=world.other_org, subject="Not yours")
    followed = Objective.objects.create(
        contract=contract, title="New office network", due_date=date(2026, 12, 1), order=1
    )
    followed.tickets.add(done, working, foreign)
    Objective.objects.create(
        contract=contract,
        title="Documentation",
        manual_progress=70,
        manual_set_by=world.supervisor,
        order=2,
    )
    body = _page(client, world.manager, contract).content.decode()
    assert "New office network" in body and "Documentation" in body
    assert "<strong>50%</strong>" in body  # one of the two visible tickets is resolved
    assert "1 of 2 tickets resolved or closed" in body
    assert "<strong>70%</strong>" in body and "set by support" in body
    assert "Cabling" in body and "status--resolved" in body
    assert "Not yours" not in body


def test_an_objectives_contract_without_a_bank(client, world):
    contract = ContractFactory(organisation=world.org, name="Rollout", no_bank=True)
    ticket = TicketFactory(organisation=world.org, requester=world.member, status=Status.CLOSED)
    Objective.objects.create(contract=contract, title="Survey").tickets.add(ticket)
    body = _page(client, world.manager, contract).content.decode()
    assert "Survey" in body and "100%" in body
    assert "bank-used" not in body
    assert client.get(reverse("contracts:statement_pdf", args=[contract.pk])).status_code == 404


def test_the_organisations_services_are_listed(client, world, contract):
    Service.objects.create(
        organisation=world.org, name="Fibra 1 Gbps", kind="Internet", identifier="CL-SCL-1"
    )
    Service.objects.create(
        organisation=world.org, name="Old link", identifier="CL-OLD", status=Service.Status.ENDED
    )
    Service.objects.create(organisation=world.other_org, name="Someone else's link")
    body = _page(client, world.manager, contract).content.decode()
    assert "Fibra 1 Gbps" in body and "CL-SCL-1" in body and "Internet" in body
    assert "Old link" in body and "Ended" in body
    assert "Someone else" not in body


# Dashboard --------------------------------------------------------------------------


def test_the_dashboard_shows_the_bank_to_managers(client, world, contract, ticket):
    _log(ticket, world.agent, 9 * 60)
    client.force_login(world.manager)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Hours bank" in body
    assert "9 h" in body and "bank-bar--warn" in body
    assert reverse("contracts:detail", args=[contract.pk]) in body
    client.force_login(world.member)
    assert "Hours bank" not in client.get(reverse("portal:dashboard")).content.decode()


def test_the_dashboard_has_no_bank_widget_without_a_bank(client, world):
    client.force_login(world.manager)
    assert "Hours bank" not in client.get(reverse("portal:dashboard")).content.decode()
    # The same page shows it as soon as the organisation has a bank.
    ContractFactory(organisation=world.org)
    assert "Hours bank" in client.get(reverse("portal:dashboard")).content.decode()
