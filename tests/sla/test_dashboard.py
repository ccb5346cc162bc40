"""The client manager's dashboard: this month's SLA figures and the tickets at risk now."""

from django.urls import reverse

from sla.demo import backdate
from sla.models import BusinessCalendar, SLAPolicy, SLATarget
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status


def _policy():
    calendar = BusinessCalendar.objects.create(name="24x7", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Std", calendar=calendar, is_global_default=True)
    for priority in ("high", "medium"):
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            acknowledgement_minutes=10,
            first_response_minutes=60,
            resolution_minutes=240,
        )


def test_manager_sees_month_share_and_tickets_at_risk(client, world):
    _policy()
    answered = open_ticket(world, "Answered in time", priority="high")
    services.comment_add(ticket=answered, author=world.agent, body="On it")
    risky = open_ticket(world, "Close to the deadline", priority="high")
    backdate(risky, minutes=55)
    late = open_ticket(world, "Past the deadline", priority="medium")
    backdate(late, minutes=90)
    client.force_login(world.manager)
    response = client.get(reverse("portal:dashboard"))
    assert [t.subject for t in response.context["at_risk"]] == ["Close to the deadline"]
    assert response.context["breached_now"] == 1
    rows = {row.priority: row for row in response.context["sla_month"]}
    assert rows["high"].response.met == 1
    assert rows["medium"].response.breached == 1
    body = response.content.decode()
    assert "Service level this month" in body and "100%" in body


def test_members_do_not_get_the_organisation_figures(client, world):
    _policy()
    open_ticket(world, "Mine", priority="high")
    client.force_login(world.member)
    response = client.get(reverse("portal:dashboard"))
    assert "sla_month" not in response.context
    assert "Service level this month" not in response.content.decode()


def test_resolved_tickets_are_never_at_risk(client, world):
    _policy()
    ticket = open_ticket(world, "Done", priority="high")
    backdate(ticket, minutes=55)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.force_login(world.manager)
    assert client.get(reverse("portal:dashboard")).context["at_risk"] == []


def test_a_ticket_paused_after_its_deadline_is_past_it_as_its_page_says(client, world):
    _policy()
    late = open_ticket(world, "Late, then waiting on the client", priority="high")
    backdate(late, minutes=90)
    services.ticket_transition(ticket=late, to=Status.WAITING_ON_CLIENT, by=world.agent)
    client.force_login(world.manager)
    response = client.get(reverse("portal:dashboard"))
    # The client's ticket page marks its first response Breached: so does the dashboard.
    assert response.context["breached_now"] == 1
    assert response.context["at_risk"] == []
