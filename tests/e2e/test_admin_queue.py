"""The agents' admin at 1280 px, in English and Spanish: the queue shows every
column without a sideways scroll (SLA, deadline and assignee included), the
ticket page shows the SLA deadlines, and opening a ticket for a client redraws
the form with the organisation's people."""

import pytest

from sla.models import BusinessCalendar, SLAPolicy, SLATarget
from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import PASSWORD
from tickets import services
from tickets.models import Ticket
from tickets.states import Priority

pytestmark = pytest.mark.e2e


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD, admin=True)


def _seed(world):
    calendar = BusinessCalendar.objects.create(name="24x7", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar, is_global_default=True)
    for priority in Priority.values:
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            acknowledgement_minutes=30,
            first_response_minutes=120,
            resolution_minutes=960,
        )
    tickets = []
    for n, priority in enumerate(Priority.values):
        ticket = services.ticket_open(
            organisation=world.org,
            requester=world.member,
            subject=f"Enlace de respaldo intermitente en la sucursal {n}",
            description="Se cae cada pocos minutos.",
            priority=priority,
        )
        tickets.append(ticket)
    services.ticket_assign(ticket=tickets[0], assignee=world.agent, by=world.agent)
    return tickets


@pytest.mark.parametrize("language", ["en", "es"])
def test_queue_and_ticket_page_fit_at_1280(live_world, live_server, page, browser_errors, language):
    world = live_world
    world.agent.language = language
    world.agent.save(update_fields=["language"])
    tickets = _seed(world)
    _login(page, live_server.url, world.agent.email)

    page.goto(live_server.url + "/admin/tickets/ticket/")
    page.locator("#result_list tbody tr").first.wait_for()
    assert page.locator("#result_list tbody tr").count() == len(tickets)
    width = page.viewport_size["width"]
    for column in ("sla_mark", "next_deadline", "assigned_to", "client_activity"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, column
    results = page.locator(".results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth"), "the queue scrolls sideways"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert browser_errors == []
    assert axe_violations(page) == []  # the search box has a name, the links are underlined
    browser_errors.clear()  # axe's own contrast probes trip the CSP; the page did not

    page.goto(live_server.url + f"/admin/tickets/ticket/{tickets[0].pk}/change/")
    # The deadlines of the ticket's details (the client context's SLA card repeats the next one).
    sla = page.locator(".ticket-details-set .ticket-sla")
    sla.locator(".mark").first.wait_for()
    assert sla.locator(".deadline").count() == 3  # first response, resolution, acknowledgement
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert browser_errors == []
    # The reply badge's contrast, the task row's and the time log's inputs named.
    assert axe_violations(page) == []


def test_agent_opens_a_ticket_for_a_client_in_the_browser(
    live_world, live_server, page, browser_errors
):
    world = live_world
    _login(page, live_server.url, world.agent.email)
    page.goto(live_server.url + "/admin/tickets/ticket/add/")
    page.select_option("#id_organisation", label=world.org.name)
    # Choosing the organisation redraws the form with its people.
    page.locator("#id_requester").wait_for()
    page.select_option("#id_requester", value=str(world.member.pk))
    page.fill("#id_subject", "VPN down (by phone)")
    page.fill("#id_description", "Diego called: the branch VPN drops.")
    assert browser_errors == []
    assert axe_violations(page) == []
    browser_errors.clear()  # axe's own contrast probes trip the CSP; the page did not
    page.locator("input[name=_save]").click()
    page.locator(".ticket-sla, .messagelist").first.wait_for()
    ticket = Ticket.objects.get()
    assert ticket.requester == world.member and ticket.organisation == world.org
    assert page.url.endswith(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert ticket.number in page.locator(".messagelist").inner_text()
    assert browser_errors == []
