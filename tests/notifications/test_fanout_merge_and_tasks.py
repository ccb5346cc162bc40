"""Who hears of a merge and of a task asked of them, and what a former reader still sees."""

import pytest
from django.urls import reverse

from activity.models import Event
from notifications.fanout import recipients
from notifications.models import Notification
from notifications.render import render
from tests.factories import member_of
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import TicketMute, TicketWatcher

pytestmark = pytest.mark.django_db

PRIVATE_SUBJECT = "Payroll VPN for the CFO"


def _rows(event):
    return set(Notification.objects.filter(event=event).values_list("user__email", "channel"))


# Merges -----------------------------------------------------------------------------------


@pytest.fixture
def merged(world, dispatch):
    survivor = open_ticket(world, requester=world.member)
    services.ticket_assign(ticket=survivor, assignee=world.agent, by=world.supervisor)
    duplicate = open_ticket(world, requester=world.other_member, subject=PRIVATE_SUBJECT)
    dispatch()
    Notification.objects.all().delete()
    services.ticket_merge(source=duplicate, target=survivor, by=world.supervisor)
    dispatch()
    return survivor, duplicate


def test_the_duplicates_requester_is_told_on_their_channels(world, merged):
    event = Event.objects.get(verb="ticket_merged")

    assert (world.other_member.email, "email") in _rows(event)
    assert (world.other_member.email, "portal") in _rows(event)
    # Theirs only: the survivor's requester was never on the duplicate.
    assert world.member not in recipients(event)


def test_the_survivors_people_hear_a_duplicate_joined_without_its_subject(world, merged):
    survivor, duplicate = merged
    event = Event.objects.get(verb="ticket_merged_in")

    people = set(recipients(event))
    # Its requester, its assigned agent, and the duplicate's requester who follows it now.
    assert people == {world.member, world.agent, world.other_member}
    message = render(event, world.member)
    assert survivor.number in message.headline
    for text in (message.headline, message.subject, message.excerpt):
        assert duplicate.number not in text
        assert PRIVATE_SUBJECT not in text


def test_a_survivor_watcher_who_muted_it_hears_nothing(world, dispatch):
    survivor = open_ticket(world, requester=world.member)
    duplicate = open_ticket(world, requester=world.other_member)
    TicketMute.objects.create(ticket=survivor, user=world.member)
    services.ticket_merge(source=duplicate, target=survivor, by=world.agent)
    dispatch()
    event = Event.objects.get(verb="ticket_merged_in")
    assert world.member not in recipients(event)
    assert world.other_member in recipients(event)  # the control: the same event reaches them


# Client tasks -------------------------------------------------------------------------------


def _task(world, ticket, assignee):
    return services.client_task_add(
        ticket=ticket,
        title="Send the router's log",
        details="",
        due_date=None,
        assignee=assignee,
        by=world.agent,
    )


def test_a_task_for_a_member_who_cannot_see_the_ticket_makes_them_a_follower(
    world, dispatch, client
):
    ticket = open_ticket(world, requester=world.member)
    colleague = member_of(world.org, email="colleague@andes.test")
    client.force_login(colleague)
    url = reverse("tickets:detail", args=[ticket.number])
    assert client.get(url).status_code == 404

    _task(world, ticket, colleague)
    dispatch()

    assert TicketWatcher.objects.filter(ticket=ticket, user=colleague).exists()
    assert client.get(url).status_code == 200
    added = Event.objects.get(verb="ticket_watcher_added")
    assert added.actor == world.agent and added.data["watcher"] == str(colleague)
    assigned = Event.objects.get(verb="client_task_assigned")
    assert recipients(assigned) == [colleague]
    # A task asked of someone by name reaches them on their channels, not only the portal.
    assert _rows(assigned) == {(colleague.email, "portal"), (colleague.email, "email")}
    message = render(assigned, colleague)
    assert "Send the router's log" in message.headline
    assert message.path == url


def test_a_task_for_someone_who_sees_the_ticket_adds_no_follower_but_tells_them(world, dispatch):
    ticket = open_ticket(world, requester=world.member)

    _task(world, ticket, world.member)
    dispatch()

    assert not TicketWatcher.objects.filter(ticket=ticket).exists()
    assert not Event.objects.filter(verb="ticket_watcher_added").exists()
    assigned = Event.objects.get(verb="client_task_assigned")
    assert recipients(assigned) == [world.member]


def test_a_task_without_assignee_tells_nobody_by_name(world, dispatch):
    ticket = open_ticket(world, requester=world.member)
    _task(world, ticket, None)
    dispatch()
    assert not Event.objects.filter(verb="client_task_assigned").exists()
    assert Event.objects.filter(verb="client_task_added").exists()


def test_a_task_for_a_person_who_left_reaches_nobody(world, dispatch):
    ticket = open_ticket(world, requester=world.member)
    _task(world, ticket, world.other_member)
    world.other_member.memberships.update(is_active=False)
    assert recipients(Event.objects.get(verb="client_task_assigned")) == []


# A ticket the reader can no longer see ----------------------------------------------------


def test_a_former_watcher_keeps_the_notification_but_not_the_subject(world, dispatch, client):
    ticket = open_ticket(world, requester=world.member, subject=PRIVATE_SUBJECT)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.comment_add(ticket=ticket, author=world.agent, body="We found the cause.")
    dispatch()
    replied = Event.objects.get(verb="ticket_replied")
    opened = Event.objects.get(verb="ticket_opened")

    # The control: while they follow it, the subject and the reply are there.
    before = render(replied, world.other_member)
    assert before.subject_line == PRIVATE_SUBJECT
    assert before.excerpt == "We found the cause."
    assert PRIVATE_SUBJECT in render(opened, world.other_member).headline

    services.watcher_remove(ticket=ticket, user=world.other_member, by=world.member)

    after = render(replied, world.other_member)
    assert after.number == ticket.number
    assert after.subject_line == "" and PRIVATE_SUBJECT not in after.subject
    assert after.excerpt == ""
    assert after.path != reverse("tickets:detail", args=[ticket.number])
    assert PRIVATE_SUBJECT not in render(opened, world.other_member).headline
    # The requester, who still sees it, keeps everything.
    assert render(opened, world.member).headline.endswith(PRIVATE_SUBJECT)

    client.force_login(world.other_member)
    page = client.get(reverse("notifications:centre")).content.decode()
    assert ticket.number in page
    assert PRIVATE_SUBJECT not in page
    assert "We found the cause." not in page
    client.force_login(world.member)
    assert PRIVATE_SUBJECT in client.get(reverse("notifications:centre")).content.decode()


def test_the_reply_banner_names_a_ticket_no_longer_visible_by_number_only(world, dispatch, client):
    ticket = open_ticket(world, requester=world.member, subject=PRIVATE_SUBJECT)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    other = open_ticket(world, requester=world.member, subject="Printer jam")
    services.watcher_add(ticket=other, user=world.other_member, by=world.member)
    services.comment_add(ticket=ticket, author=world.agent, body="We found the cause.")
    services.comment_add(ticket=other, author=world.agent, body="Paper tray replaced.")
    dispatch()
    services.watcher_remove(ticket=ticket, user=world.other_member, by=world.member)
    client.force_login(world.other_member)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert "2 new replies" in page
    assert ticket.number in page and other.number in page
    assert "Printer jam" in page  # the control: a ticket they still follow keeps its subject
    assert PRIVATE_SUBJECT not in page


def test_a_single_reply_banner_without_subject_reads_cleanly(world, dispatch, client):
    ticket = open_ticket(world, requester=world.member, subject=PRIVATE_SUBJECT)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.comment_add(ticket=ticket, author=world.agent, body="We found the cause.")
    dispatch()
    services.watcher_remove(ticket=ticket, user=world.other_member, by=world.member)
    client.force_login(world.other_member)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert f"New reply on {ticket.number}<" in page
    assert PRIVATE_SUBJECT not in page
