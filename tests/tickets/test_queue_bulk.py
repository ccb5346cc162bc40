"""Bulk actions on the queue: each ticket through its service in its own savepoint, one summary."""

from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from activity.models import Event
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Ticket
from tickets.states import Priority, Status

QUEUE = reverse("admin:tickets_ticket_changelist")


def act(client, action, tickets, **data):
    # Every status: the queue's own filters apply to the selection too.
    return client.post(
        f"{QUEUE}?status=all",
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tickets], **data},
        follow=False,
    )


def summary(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_status_change_applies_to_each_and_reports_the_refused_with_reasons(client_for, world):
    first, second = open_ticket(world, "One"), open_ticket(world, "Two")
    merged = open_ticket(world, "Three")
    services.ticket_merge(source=merged, target=first, by=world.agent)
    client = client_for(world.agent)

    page = act(client, "bulk_status", [first, second, merged])
    assert page.status_code == 200 and "New status" in page.content.decode()

    done = act(client, "bulk_status", [first, second, merged], apply="1", status=Status.IN_PROGRESS)
    assert done.status_code == 302
    assert Ticket.objects.get(pk=first.pk).status == Status.IN_PROGRESS
    assert Ticket.objects.get(pk=second.pk).status == Status.IN_PROGRESS
    [message] = summary(done)
    assert message.startswith("2 tickets changed; 1 refused:")
    assert f"{merged.number}: This ticket was merged into another one." in message
    assert Event.objects.filter(verb="ticket_status_changed").count() >= 2


def test_assign_priority_and_tag_pages(client_for, world):
    tickets = [open_ticket(world, f"T{n}") for n in range(3)]
    client = client_for(world.supervisor)
    assert "Assign to" in act(client, "bulk_assign", tickets).content.decode()
    act(client, "bulk_assign", tickets, apply="1", assignee=world.agent.pk)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {world.agent.pk}

    act(client, "bulk_priority", tickets, apply="1", priority=Priority.HIGH)
    assert set(Ticket.objects.values_list("priority", flat=True)) == {Priority.HIGH}

    act(client, "bulk_tag", tickets[:1], apply="1", tag="outage")
    done = act(client, "bulk_tag", tickets, apply="1", tag="Outage")
    assert all(t.tags.filter(name="outage").exists() for t in tickets)
    message = summary(done)[-1]
    assert message.startswith("2 tickets changed; 1 refused:")
    assert f"{tickets[0].number}: {tickets[0].number} is already tagged outage." in message


def test_an_invalid_choice_changes_nothing(client_for, world):
    ticket = open_ticket(world)
    client = client_for(world.agent)
    page = act(client, "bulk_priority", [ticket], apply="1", priority="urgent-ish")
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).priority == ticket.priority


def test_assign_to_me_goes_through_the_same_machinery(client_for, world):
    tickets = [open_ticket(world, f"T{n}") for n in range(2)]
    done = act(client_for(world.agent), "assign_to_me", tickets)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {world.agent.pk}
    assert summary(done) == ["2 tickets changed."]
