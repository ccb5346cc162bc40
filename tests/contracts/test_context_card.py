"""The client's contract beside the agent's ticket (contracts/admin/context_card.py)."""

from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.roles import AGENT
from contracts import services
from contracts.admin.ticket_time import TicketTime
from contracts.models import BankPeriod
from core.admin import change_url
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tickets.factories import open_ticket
from tickets.models import Ticket

# The contracts covering today and their stored periods.
QUERIES = 2


def card(user, ticket):
    """The card as the context view asks for it: the ticket as its admin page reads it."""
    request = RequestFactory().get("/")
    request.user = user
    user.has_perm("contracts.view_contract")  # the admin has read the permissions already
    ticket = Ticket.objects.select_related("organisation").get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as queries:
        panel = TicketTime().context_card(request, ticket)
    html = render_to_string(panel.template, {"panel": panel}) if panel else ""
    return panel, html, len(queries)


def log(ticket, agent, minutes):
    return services.time_entry_add(
        ticket=ticket, agent=agent, minutes=minutes, description="Checked the router"
    )


def today(world):
    return services.local_date(world.org, timezone.now())


def test_the_card_shows_this_periods_hours_used_and_left(world, contract, ticket):
    log(ticket, world.agent, 90)
    panel, html, queries = card(world.agent, ticket)
    [row] = panel.context["rows"]
    assert row["contract"] == contract and row["period"].used_minutes == 90
    assert '<h2 class="ws__title"' in html and 'class="ws__card' in html
    assert f'href="{change_url(contract)}"' in html and "Soporte 2026" in html
    assert "1 h 30 of 10 h used" in html
    assert "8 h 30 left" in html and "over the bank" not in html
    start = today(world).replace(day=1)
    assert date_format(start, "SHORT_DATE_FORMAT") in html
    assert queries == QUERIES


def test_an_overrun_is_shown_as_such(world, contract, ticket):
    log(ticket, world.agent, 11 * 60 + 15)
    _, html, _ = card(world.agent, ticket)
    assert "11 h 15 of 10 h used" in html
    assert 'class="ctx-contract__over">1 h 15 over the bank' in html
    assert "left" not in html


def test_a_period_not_stored_yet_is_shown_unused_and_not_created(world, contract, ticket):
    panel, html, queries = card(world.agent, ticket)
    assert "0 h of 10 h used" in html and "10 h left" in html
    assert panel.context["rows"][0]["period"].pk is None
    assert not BankPeriod.objects.exists()  # a look never writes
    assert queries == QUERIES + 1  # the one period computed


def test_a_contract_without_hours_bank_says_so(world, ticket):
    ContractFactory(organisation=world.org, name="Solo SLA", no_bank=True)
    panel, html, _ = card(world.agent, ticket)
    assert panel.context["rows"][0]["period"] is None
    assert "Solo SLA" in html and "No hours bank" in html and "used" not in html


def test_no_card_without_a_contract_and_none_from_other_organisations(world):
    ContractFactory(organisation=world.other_org, name="Other Co support")
    panel, html, _ = card(world.agent, open_ticket(world))
    assert panel is None and html == ""


def test_an_ended_contract_is_named_as_no_longer_covering(world, ticket):
    ended = ContractFactory(
        organisation=world.org,
        name="Soporte 2025",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
    )
    panel, html, _ = card(world.agent, ticket)
    assert panel.context["rows"] == [] and panel.context["last"]["contract"] == ended
    assert "No contract covers today." in html and "Soporte 2025" in html
    assert "used" not in html


def test_staff_who_may_not_see_contracts_get_no_card(world, contract, ticket):
    clerk = UserFactory(email="clerk@support.test", is_staff=True)
    assert card(clerk, ticket)[0] is None
    clerk.groups.add(Group.objects.get(name=AGENT))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # fresh permissions
    assert card(clerk, ticket)[0] is not None


def test_the_cards_queries_do_not_grow_with_the_clients_data(world, contract, ticket):
    log(ticket, world.agent, 30)
    before = card(world.agent, ticket)[2]
    for n in range(6):
        log(open_ticket(world, f"Printer {n}"), world.agent, 15)
    # Past contracts and another organisation's do not count either.
    ContractFactory(
        organisation=world.org, name="Old", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)
    )
    ContractFactory(organisation=world.other_org)
    _, html, after = card(world.agent, ticket)
    assert after == before == QUERIES
    assert "2 h of 10 h used" in html and "Old" not in html


def test_more_contracts_than_shown_link_to_the_clients_contracts(world, ticket):
    for n in range(4):
        ContractFactory(
            organisation=world.org,
            name=f"Contract {n}",
            no_bank=True,
            start_date=date(2026, 1, 1) + timedelta(days=n),
        )
    panel, html, queries = card(world.agent, ticket)
    assert [r["contract"].name for r in panel.context["rows"]] == [
        "Contract 3",
        "Contract 2",
        "Contract 1",
    ]
    url = reverse("admin:contracts_contract_changelist")
    assert f"{url}?organisation__id__exact={world.org.pk}" in html
    assert queries == 1  # without a bank, no period to read


def test_dates_follow_the_agents_language(world, contract, ticket):
    with translation.override("es"):
        _, html, _ = card(world.agent, ticket)
        assert date_format(contract.start_date, "SHORT_DATE_FORMAT") in html
    assert "01/01/2026" in html  # day first in Spanish


def test_the_ticket_pages_context_shows_the_card(client_for, world, contract, ticket):
    log(ticket, world.agent, 60)
    url = reverse("admin:tickets_ticket_context", args=[ticket.pk])
    body = client_for(world.agent).get(url).content.decode()
    assert 'id="ctx-contract-title"' in body and "1 h of 10 h used" in body
    assert "contracts/context_card.css" in body
