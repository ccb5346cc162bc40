from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from core.uploads import CleanUpload
from tickets import services
from tickets.models import CallRequest, Comment, Rating, TicketMute
from tickets.states import Status


def _url(ticket, name="tickets:detail", **kw):
    return reverse(name, kwargs={"number": ticket.number, **kw})


def test_detail_shows_the_thread_oldest_first_with_authors(client, world, ticket):
    services.comment_add(ticket=ticket, author=world.agent, body="First answer")
    services.comment_add(ticket=ticket, author=world.member, body="Second message")
    client.force_login(world.member)
    body = client.get(_url(ticket)).content.decode()
    assert body.index("First answer") < body.index("Second message")
    assert "Ana Agent" in body and "Diego" in body


def test_internal_notes_and_files_never_reach_the_client(client, world, ticket):
    services.comment_add(
        ticket=ticket,
        author=world.agent,
        body="INTERNAL-ONLY the client is difficult",
        internal=True,
        attachments=[CleanUpload(name="internal.txt", content_type="text/plain", data=b"x")],
    )
    internal = ticket.attachments.get(is_internal=True)
    client.force_login(world.manager)
    for url in (
        _url(ticket),
        _url(ticket, "tickets:live"),
        reverse("tickets:list"),
        reverse("portal:dashboard"),
    ):
        body = client.get(url).content.decode()
        assert "INTERNAL-ONLY" not in body
        assert "internal.txt" not in body
        assert "internal note" not in body
    assert (
        client.get(_url(ticket, "tickets:attachment", attachment_id=internal.pk)).status_code == 404
    )


def test_reply_is_escaped_and_links_are_clickable(client, world, ticket):
    client.force_login(world.member)
    response = client.post(
        _url(ticket), {"body": "<script>alert(1)</script> see https://status.example.com/x"}
    )
    assert response.status_code == 302
    body = client.get(_url(ticket)).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="https://status.example.com/x"' in body


def test_empty_reply_changes_nothing(client, world, ticket):
    client.force_login(world.member)
    response = client.post(_url(ticket), {"body": "   "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_with_attachment(client, world, ticket):
    client.force_login(world.member)
    client.post(
        _url(ticket),
        {"body": "log attached", "attachments": [SimpleUploadedFile("r.log", b"boom")]},
    )
    comment = Comment.objects.get()
    assert comment.attachments.get().name == "r.log"


def test_client_reply_reopens_a_resolved_ticket(client, world, ticket):
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.force_login(world.member)
    client.post(_url(ticket), {"body": "Still broken"})
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert Event.objects.filter(verb="ticket_reopened").exists()


def test_close_only_once_resolved(client, world, ticket):
    client.force_login(world.member)
    response = client.post(_url(ticket, "tickets:close"), follow=True)
    assert "cannot be moved" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.post(_url(ticket, "tickets:close"))
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_reopen_keeps_the_history(client, world, ticket):
    services.comment_add(ticket=ticket, author=world.agent, body="Fixed it")
    services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=world.agent)
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:reopen"))
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert "Fixed it" in client.get(_url(ticket)).content.decode()


def test_rating_after_resolution_and_editable_for_seven_days(client, world, ticket):
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:rate"), {"score": 4})
    assert not Rating.objects.exists()  # not resolved yet
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.post(_url(ticket, "tickets:rate"), {"score": 4, "comment": "Good"})
    client.post(_url(ticket, "tickets:rate"), {"score": 5, "comment": "Great"})
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (5, "Great")
    Rating.objects.update(created_at=timezone.now() - timedelta(days=8))
    response = client.post(_url(ticket, "tickets:rate"), {"score": 1}, follow=True)
    assert "can be changed for 7 days" in response.content.decode()
    assert Rating.objects.get().score == 5
    assert client.post(_url(ticket, "tickets:rate"), {"score": 9}).status_code == 302
    assert Rating.objects.get().score == 5


def test_escalate_needs_a_reason(client, world, ticket):
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:escalate"), {"reason": ""})
    ticket.refresh_from_db()
    assert ticket.escalated_at is None
    client.post(_url(ticket, "tickets:escalate"), {"reason": "Our shop is offline"})
    ticket.refresh_from_db()
    assert ticket.escalated_at is not None
    assert Event.objects.filter(verb="ticket_escalated").exists()


def test_request_a_call(client, world, ticket):
    client.force_login(world.member)
    client.post(
        _url(ticket, "tickets:call"), {"phone": "+56 9 1234", "preferred_time": "after 3pm"}
    )
    assert CallRequest.objects.get().preferred_time == "after 3pm"


def test_mute_and_unmute(client, world, ticket):
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:mute"), {"muted": "1"})
    assert TicketMute.objects.filter(ticket=ticket, user=world.member).exists()
    client.post(_url(ticket, "tickets:mute"), {"muted": "0"})
    assert not TicketMute.objects.exists()


def test_watchers_only_from_the_same_organisation(client, world, ticket):
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:watcher_add"), {"user": world.outsider.pk})
    assert not ticket.watchers.exists()
    client.post(_url(ticket, "tickets:watcher_add"), {"user": world.other_member.pk})
    assert list(ticket.watchers.values_list("user", flat=True)) == [world.other_member.pk]
    client.post(_url(ticket, "tickets:watcher_remove", user_id=world.other_member.pk))
    assert not ticket.watchers.exists()


def test_client_task_done_and_overdue_on_dashboard(client, world, ticket):
    task = services.client_task_add(
        ticket=ticket,
        title="Reboot the router",
        details="",
        assignee=world.member,
        due_date=timezone.localdate() - timedelta(days=2),
        by=world.agent,
    )
    client.force_login(world.member)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Reboot the router" in dashboard and "Overdue" in dashboard
    client.post(_url(ticket, "tickets:task_done", task_id=task.pk))
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == world.member
    assert client.get(reverse("portal:dashboard")).context["tasks"] == []


def test_attachment_served_safely(client, world, ticket):
    services.comment_add(
        ticket=ticket,
        author=world.member,
        body="",
        attachments=[CleanUpload(name="conf.txt", content_type="text/plain", data=b"hostname r1")],
    )
    item = ticket.attachments.get()
    client.force_login(world.member)
    response = client.get(_url(ticket, "tickets:attachment", attachment_id=item.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hostname r1"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    # text is never shown inline, whatever the query string says
    inline = client.get(_url(ticket, "tickets:attachment", attachment_id=item.pk) + "?inline=1")
    assert inline["Content-Disposition"].startswith("attachment;")


def test_attachment_of_another_ticket_through_this_ticket_is_404(client, world, ticket):
    other = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Other",
        description="x",
        attachments=[CleanUpload(name="a.txt", content_type="text/plain", data=b"a")],
    )
    client.force_login(world.member)
    url = _url(ticket, "tickets:attachment", attachment_id=other.attachments.get().pk)
    assert client.get(url).status_code == 404


def test_merged_ticket_points_to_the_survivor(client, world, ticket):
    dup = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Dup", description="Same"
    )
    services.ticket_merge(source=dup, target=ticket, by=world.agent)
    client.force_login(world.member)
    body = client.get(_url(dup)).content.decode()
    assert f"merged into {ticket.number}" in body
    assert ticket.get_absolute_url() in body


def test_live_part_is_204_until_an_agent_acts(client, world, ticket):
    client.force_login(world.member)
    page = client.get(_url(ticket))
    version = f"{page.context['ticket'].last_activity_at.timestamp():.6f}"
    assert client.get(_url(ticket, "tickets:live"), {"v": version}).status_code == 204
    services.comment_add(ticket=ticket, author=world.agent, body="Agent is here")
    response = client.get(_url(ticket, "tickets:live"), {"v": version})
    assert response.status_code == 200
    assert "Agent is here" in response.content.decode()


def test_detail_query_count_does_not_grow_with_the_thread(
    client, world, ticket, django_assert_max_num_queries
):
    client.force_login(world.member)
    services.comment_add(ticket=ticket, author=world.agent, body="one")
    with django_assert_max_num_queries(40) as few:
        client.get(_url(ticket))
    for i in range(20):
        services.comment_add(
            ticket=ticket,
            author=world.agent if i % 2 else world.member,
            body=f"more {i}",
            attachments=[CleanUpload(name=f"{i}.txt", content_type="text/plain", data=b"x")],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(ticket))


def test_changing_the_rating_keeps_its_comment(client, world, ticket):
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:rate"), {"score": 2, "comment": "Slow & late"})
    # The form shows the stored comment, so sending new stars sends it back.
    page = client.get(_url(ticket))
    assert page.context["rating_form"]["comment"].value() == "Slow & late"
    assert "Slow &amp; late</textarea>" in page.content.decode()
    client.post(_url(ticket, "tickets:rate"), {"score": 4, "comment": "Slow & late"})
    assert (Rating.objects.get().score, Rating.objects.get().comment) == (4, "Slow & late")


def test_the_rating_note_says_how_long_it_can_change_with_the_real_count(
    client, world, ticket, monkeypatch
):
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    client.force_login(world.member)
    client.post(_url(ticket, "tickets:rate"), {"score": 5, "comment": ""})
    assert "You can change it for 7 days." in client.get(_url(ticket)).content.decode()
    monkeypatch.setattr(services, "RATING_EDIT_DAYS", 1)
    assert "You can change it for 1 day." in client.get(_url(ticket)).content.decode()
