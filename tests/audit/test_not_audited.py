"""A custom admin view that changes nothing kept is left out of the trail."""

from django.urls import reverse

from audit.models import Action, AuditEntry
from tests.tickets.factories import open_ticket


def test_presence_heartbeats_are_not_staff_actions(client, world):
    ticket = open_ticket(world)
    client.force_login(world.agent)
    url = reverse("admin:tickets_ticket_presence", args=[ticket.pk])
    for _ in range(3):
        assert client.post(url, {"typing": "0"}).status_code == 200
    assert not AuditEntry.objects.filter(action=Action.ADMIN_ACTION).exists()
    # Following the ticket, a change, is still recorded.
    client.post(reverse("admin:tickets_ticket_follow", args=[ticket.pk]))
    assert AuditEntry.objects.filter(action=Action.ADMIN_ACTION).count() == 1
