"""The agent's workspace on a ticket: collisions, presence, mentions, following, splitting."""

import pytest
from django.test import Client
from django.urls import reverse

from activity.models import Event
from notifications.fanout import recipients
from tests.tickets.factories import open_ticket
from tickets import desk, mentions, presence, services
from tickets.models import Attachment, Comment, Ticket, TicketFollow
from tickets.states import Priority, Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page(client, ticket):
    response = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert response.status_code == 200
    return response


def post(client, ticket, kind, **data):
    url = reverse(f"admin:tickets_ticket_{kind}", args=[ticket.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def work_data(ticket, **changes):
    ticket.refresh_from_db()
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        **changes,
    }


# --- Collisions --------------------------------------------------------------


def test_a_reply_from_a_stale_page_is_refused_once_with_what_changed(world, ticket):
    ana, sergio = logged_in(world.agent), logged_in(world.supervisor)
    seen = page(ana, ticket).context["ws"]["seen"]
    page(sergio, ticket)
    # Sergio answers first and waits on the client.
    assert (
        post(
            sergio,
            ticket,
            "reply",
            reply="Please restart the router",
            then=Status.WAITING_ON_CLIENT,
            seen=seen,
        ).status_code
        == 200
    )
    response = post(ana, ticket, "reply", reply="I am calling you now", seen=seen)
    body = response.content.decode()
    assert "Not sent: the ticket changed since you opened it." in body
    assert "Sergio Supervisor replied on" in body  # what changed, in words
    assert "I am calling you now" in body  # her text is kept
    assert "Attachments have to be chosen again." in body  # a file input cannot be refilled
    assert list(ticket.comments.values_list("body", flat=True)) == ["Please restart the router"]
    # The form now carries the newer mark: sending again is a decision taken knowing it.
    newer = response.context["seen"]
    assert newer > seen and f'name="seen" value="{newer}"' in body
    assert post(ana, ticket, "reply", reply="I am calling you now", seen=newer).status_code == 200
    assert ticket.comments.count() == 2


def test_contradictory_status_changes_the_second_agent_is_told(world, ticket):
    ana, sergio = logged_in(world.agent), logged_in(world.supervisor)
    seen = page(ana, ticket).context["ws"]["seen"]
    post(sergio, ticket, "work", seen=seen, **work_data(ticket, status=Status.RESOLVED))
    response = post(ana, ticket, "work", seen=seen, **work_data(ticket, status=Status.IN_PROGRESS))
    assert "Not saved: the ticket changed since you opened it." in response.content.decode()
    assert "Sergio Supervisor" in response.content.decode()  # who changed it
    assert "chosen again" not in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert not Event.objects.filter(actor=world.agent, data__number=ticket.number).exists()


def test_a_colleagues_assignment_is_not_overwritten_silently(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    services.ticket_assign(ticket=ticket, assignee=world.supervisor, by=world.supervisor)
    response = post(ana, ticket, "work", seen=seen, **work_data(ticket, priority=Priority.HIGH))
    assert "Not saved" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.MEDIUM and ticket.assignee == world.supervisor


def test_an_agents_own_changes_never_make_their_page_stale(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    assert post(ana, ticket, "note", note="Checking the line", seen=seen).status_code == 200
    # Still the mark of the page's first drawing: her own note does not count against her.
    response = post(ana, ticket, "reply", reply="On it", seen=seen)
    assert "Reply sent." in response.content.decode()
    assert ticket.comments.count() == 2


def test_a_client_reply_meanwhile_makes_the_page_stale(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    services.comment_add(ticket=ticket, author=world.member, body="Never mind, it works")
    body = post(ana, ticket, "reply", reply="Try a reboot", seen=seen).content.decode()
    assert "Not sent" in body and "Try a reboot" in body
    assert not ticket.comments.filter(author=world.agent).exists()


def test_a_note_is_never_refused_for_staleness(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    services.comment_add(ticket=ticket, author=world.member, body="Any news?")
    assert "Note added." in post(ana, ticket, "note", note="Ping", seen=seen).content.decode()


# --- Presence ------------------------------------------------------------------


def test_two_agents_on_one_ticket_see_each_other_and_who_is_typing(world, ticket):
    ana, sergio = logged_in(world.agent), logged_in(world.supervisor)
    url = reverse("admin:tickets_ticket_presence", args=[ticket.pk])
    assert "No other agent" in ana.post(url, {"typing": "0"}).content.decode()
    body = sergio.post(url, {"typing": "0"}).content.decode()
    assert "Ana Agent" in body and "is writing" not in body
    ana.post(url, {"typing": "1"})
    assert "is writing" in sergio.post(url, {"typing": "0"}).content.decode()
    # The ticket page shows the other one too.
    assert [v.name for v in page(ana, ticket).context["ws"]["viewers"]] == ["Sergio Supervisor"]
    # Leaving removes at once; otherwise a heartbeat expires by itself.
    ana.post(url, {"leave": "1"})
    assert "No other agent" in sergio.post(url, {}).content.decode()
    later = presence.viewers(ticket.pk, now=__import__("time").time() + presence.TTL + 1)
    assert later == []


def test_presence_is_the_admins_only(world, ticket):
    url = reverse("admin:tickets_ticket_presence", args=[ticket.pk])
    assert logged_in(world.member).post(url, {}).status_code == 302  # to the admin login
    missing = reverse("admin:tickets_ticket_presence", args=[999999])
    assert logged_in(world.agent).post(missing, {}).status_code == 404


# --- Mentions and following -----------------------------------------------------


def test_mentions_name_staff_by_address_or_its_local_part():
    assert mentions.handles("@ana look, and @sergio@support.test too; mail bob@x.com") == [
        "ana",
        "sergio@support.test",
    ]


def test_a_mention_notifies_the_colleague_and_makes_them_follow(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    post(ana, ticket, "note", note="@supervisor can you call them?", seen=seen)
    event = Event.objects.get(verb="ticket_mentioned")
    assert event.data["staff_ids"] == [world.supervisor.pk] and event.is_internal
    assert recipients(event) == [world.supervisor]
    assert TicketFollow.objects.filter(ticket=ticket, user=world.supervisor).exists()
    # Following: Sergio now hears of the client's reply as the assignee would.
    services.comment_add(ticket=ticket, author=world.member, body="Thanks")
    reply = Event.objects.filter(verb="ticket_replied").latest("pk")
    assert world.supervisor in recipients(reply)


def test_an_unknown_mention_keeps_the_note_and_says_who(world, ticket):
    ana = logged_in(world.agent)
    seen = page(ana, ticket).context["ws"]["seen"]
    body = post(ana, ticket, "note", note="@nobody please look", seen=seen).content.decode()
    assert "Nobody on the support staff is called @nobody." in body
    assert "@nobody please look" in body
    assert not ticket.comments.exists()


def test_a_client_can_never_be_mentioned(world, ticket):
    found = mentions.find("@member hello")
    assert found == ["member"]  # a client's address names nobody on the staff


def test_follow_and_mute_from_the_page(world, ticket):
    ana = logged_in(world.agent)
    url = reverse("admin:tickets_ticket_follow", args=[ticket.pk])
    assert (
        "Following: stop"
        in ana.post(url, {"what": "follow", "on": "1"}, HTTP_HX_REQUEST="true").content.decode()
    )
    assert TicketFollow.objects.filter(ticket=ticket, user=world.agent).exists()
    ana.post(url, {"what": "follow", "on": "0"})
    assert not TicketFollow.objects.filter(ticket=ticket, user=world.agent).exists()
    ana.post(url, {"what": "mute", "on": "1"})
    services.comment_add(ticket=ticket, author=world.member, body="Hello?")
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    reply = Event.objects.filter(verb="ticket_replied").latest("pk")
    assert world.agent not in recipients(reply)


# --- Splitting a message out ---------------------------------------------------


def test_a_client_message_becomes_a_ticket_of_its_own(world, ticket):
    comment = services.comment_add(
        ticket=ticket, author=world.member, body="Also: the invoice is wrong"
    )
    ana = logged_in(world.agent)
    url = reverse("admin:tickets_ticket_split", args=[ticket.pk, comment.pk])
    assert ana.get(url).status_code == 200
    response = ana.post(url, {"subject": "Wrong invoice"})
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.status_code == 302 and response.url.endswith(f"/{new.pk}/change/")
    assert new.requester == world.member and new.organisation == world.org
    assert new.subject == "Wrong invoice" and new.description == "Also: the invoice is wrong"
    # Each thread says where the other is, in the reader's words.
    out = Comment.objects.get(ticket=ticket, verb="ticket_split_out")
    assert out.data["number"] == new.number
    assert Comment.objects.filter(ticket=new, verb="ticket_split_from").exists()
    client_page = logged_in(world.member).get(reverse("tickets:detail", args=[ticket.number]))
    assert new.number in client_page.content.decode()
    # Twice is refused.
    again = ana.post(url, {"subject": "Wrong invoice"})
    assert "already a ticket of its own" in again.content.decode()
    assert Ticket.objects.count() == 2


def test_only_a_clients_message_can_be_split(world, ticket):
    note = services.comment_add(ticket=ticket, author=world.agent, body="x", internal=True)
    url = reverse("admin:tickets_ticket_split", args=[ticket.pk, note.pk])
    body = logged_in(world.agent).post(url, {"subject": "No"}).content.decode()
    assert "Only a message a client wrote can become a ticket." in body
    assert Ticket.objects.count() == 1


def test_split_of_another_tickets_message_is_404(world, ticket):
    other = open_ticket(world, subject="Other")
    comment = services.comment_add(ticket=other, author=world.member, body="Elsewhere")
    url = reverse("admin:tickets_ticket_split", args=[ticket.pk, comment.pk])
    assert logged_in(world.agent).get(url).status_code == 404


def test_split_copies_the_messages_attachments(world, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import clean_uploads

    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
    upload = SimpleUploadedFile("photo.png", png, content_type="image/png")
    comment = services.comment_add(
        ticket=ticket, author=world.member, body="See", attachments=clean_uploads([upload])
    )
    new = desk.split(comment=comment, subject="Photo", by=world.agent)
    copied = Attachment.objects.get(ticket=new)
    assert copied.name == "photo.png" and copied.sha256 == comment.attachments.get().sha256


def test_a_subject_too_long_for_the_new_ticket_is_refused_with_a_message(world, ticket):
    comment = services.comment_add(ticket=ticket, author=world.member, body="Also this")
    url = reverse("admin:tickets_ticket_split", args=[ticket.pk, comment.pk])
    response = logged_in(world.agent).post(url, {"subject": "s" * 201})
    assert response.status_code == 200
    assert "A subject can be at most 200 characters long." in response.content.decode()
    assert Ticket.objects.count() == 1


def test_junk_in_the_action_forms_is_a_message_never_an_error(world, ticket):
    ana = logged_in(world.agent)
    # An unreadable mark counts as a page that saw nothing: the client's opening is news.
    body = post(ana, ticket, "reply", reply="hi", seen="abc").content.decode()
    assert "Not sent: the ticket changed since you opened it." in body and "hi" in body
    junk = {"status": "zzz", "priority": "x", "assignee": "abc", "seen": "-1"}
    response = post(ana, ticket, "work", **junk)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not ticket.comments.exists()
