"""A task asked in the admin of a member who cannot see the ticket: they follow it and are told."""

import pytest

from activity.models import Event
from tests.factories import member_of
from tests.tickets.test_admin import change_url, form_data
from tickets import services
from tickets.models import ClientTask, TicketWatcher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_agent_asks_a_task_of_a_member_who_could_not_see_the_ticket(client_for, world):
    ticket = services.ticket_open(
        organisation=world.org, requester=world.member, subject="VPN down", description="x"
    )
    colleague = member_of(world.org, email="it@andes.test", display_name="Tomás")
    client = client_for(world.agent)
    page = client.get(change_url(ticket)).content.decode()
    assert "will follow it and be told" in page  # the agent is told before choosing

    data = form_data(
        client,
        ticket,
        **{
            "new_client_tasks-0-title": "Reboot the branch router",
            "new_client_tasks-0-assignee": colleague.pk,
        },
    )
    assert client.post(change_url(ticket), data).status_code == 302

    assert ClientTask.objects.get(ticket=ticket).assignee == colleague
    assert TicketWatcher.objects.get(ticket=ticket, user=colleague).added_by == world.agent
    assigned = Event.objects.get(verb="client_task_assigned")
    assert assigned.data["user_id"] == colleague.pk
    assert assigned.data["number"] == ticket.number
    # The portal now opens the ticket for them.
    client.force_login(colleague)
    assert client.get(ticket.get_absolute_url()).status_code == 200
