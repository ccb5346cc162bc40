"""The agents' ticket workspace in the admin: the queue, the change form, the actions."""

from datetime import date, time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Event, Visibility
from contracts.services import time_entry_add
from tests.factories import UserFactory, member_of
from tests.sla.factories import make_policy
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Attachment, Category, ClientTask, Comment, RecurringTicket, Ticket
from tickets.states import Priority, Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
QUEUE = reverse("admin:tickets_ticket_changelist")
# Queries of a ticket page with an SLA, a reply, a task and time logged (the
# shell's included): a new one should be a deliberate choice. 24: the ticket's
# network measurements (diagnostics' panel); 25: the resources it names (inventory's
# picker, which draws only those); 26: the workspace's marks (its newest event, whether
# the agent follows or muted it); 27-28: the agent's signature (canned replies); 29-31:
# the ticket's tags and links, and the most used tags to suggest.
TICKET_PAGE_QUERIES = 31


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def form_data(client, ticket, **changes):
    """What the change form posts when the agent changes only `changes`."""
    response = client.get(change_url(ticket))
    assert response.status_code == 200
    ticket.refresh_from_db()
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = form.instance.pk
            data[f"{formset.prefix}-{index}-ticket"] = ticket.pk
    data.update(changes)
    return data


def events(ticket, verb):
    return Event.objects.filter(verb=verb, data__number=ticket.number)


# --- The queue -------------------------------------------------------------


def test_queue_filters_by_status_assignee_and_organisation(client_for, world):
    new = open_ticket(world, "New one")
    resolved = open_ticket(world, "Fixed one")
    services.ticket_transition(ticket=resolved, to=Status.RESOLVED, by=world.agent)
    mine = open_ticket(world, "Mine")
    services.ticket_assign(ticket=mine, assignee=world.agent, by=world.agent)
    other = open_ticket(world, "Elsewhere", organisation=world.other_org, requester=world.outsider)
    client = client_for(world.agent)

    def listed(**params):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        return {t.number for t in response.context["cl"].result_list}

    assert listed() == {new.number, mine.number, other.number}  # open ones by default
    assert listed(status="all") == {new.number, resolved.number, mine.number, other.number}
    assert listed(status=Status.RESOLVED) == {resolved.number}
    assert resolved.number not in listed(status="any_open")
    assert listed(assigned="nobody") == {new.number, other.number}
    assert listed(assigned="nobody", status="all") == {new.number, resolved.number, other.number}
    assert listed(assigned="me") == {mine.number}
    assert listed(assigned=str(world.supervisor.pk)) == set()
    assert listed(organisation__id__exact=world.other_org.pk) == {other.number}


def test_queue_puts_the_latest_client_activity_first(client_for, world):
    older = open_ticket(world, "Older")
    newer = open_ticket(world, "Newer")
    services.comment_add(ticket=older, author=world.member, body="Any news?")
    response = client_for(world.agent).get(QUEUE)
    numbers = [t.number for t in response.context["cl"].result_list]
    assert numbers == [older.number, newer.number]
    body = response.content.decode()
    assert "ticket-label--new" in body  # the status is shown as a label


def test_queue_search_by_number_requester_email_and_name(client_for, world):
    diego = open_ticket(world, "Printer jam")
    camila = open_ticket(world, "Slow wifi", requester=world.manager)
    client = client_for(world.agent)

    def found(query):
        return {t.number for t in client.get(QUEUE, {"q": query}).context["cl"].result_list}

    assert found(diego.number) == {diego.number}
    assert found("manager@andes") == {camila.number}
    assert found("Diego") == {diego.number}
    assert found("wifi") == {camila.number}


def test_queue_query_count_does_not_grow_with_tickets(
    client_for, world, django_assert_max_num_queries
):
    category = Category.objects.create(name="Network", slug="network")
    requesters = [world.member, world.manager, world.other_member]

    def add(count):
        for n in range(count):
            t = open_ticket(world, f"Ticket {n}", requester=requesters[n % 3], category=category)
            services.ticket_assign(ticket=t, assignee=world.agent, by=world.agent)

    client = client_for(world.agent)
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(QUEUE).context["cl"].result_list) == 5
    add(25)
    with django_assert_max_num_queries(len(five)):
        assert len(client.get(QUEUE).context["cl"].result_list) == 30


def test_queue_does_not_count_every_ticket_on_each_page(client_for, world):
    open_ticket(world)
    response = client_for(world.agent).get(QUEUE, {"q": "VPN"})
    assert response.context["cl"].show_full_result_count is False


# --- Actions ---------------------------------------------------------------


def test_assign_to_me_assigns_the_selected_tickets_through_the_service(client_for, world):
    first, second = open_ticket(world, "One"), open_ticket(world, "Two")
    untouched = open_ticket(world, "Three")
    response = client_for(world.agent).post(
        QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    )
    assert response.status_code == 302
    for t in (first, second):
        t.refresh_from_db()
        assert t.assignee == world.agent
        event = events(t, "ticket_assigned").get()
        assert event.visibility == Visibility.INTERNAL and event.actor == world.agent
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_merge_action_asks_for_the_survivor_then_moves_the_thread(client_for, world):
    survivor = open_ticket(world, "Internet down")
    duplicate = open_ticket(world, "No internet", requester=world.other_member)
    services.comment_add(ticket=duplicate, author=world.other_member, body="Still down here")
    client = client_for(world.agent)
    selected = {"action": "merge_tickets", ACTION_CHECKBOX_NAME: [duplicate.pk]}

    page = client.post(QUEUE, selected)
    assert page.status_code == 200
    assert "Surviving ticket number" in page.content.decode()
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()

    response = client.post(QUEUE, {**selected, "into": survivor.number.lower()})
    assert response.status_code == 302
    assert response.url == change_url(survivor)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and duplicate.status == Status.CLOSED
    assert survivor.comments.filter(body="Still down here").exists()
    assert events(duplicate, "ticket_merged").exists()

    body = client.get(change_url(duplicate)).content.decode()
    assert f'href="{change_url(survivor)}"' in body
    assert "was merged into" in body
    assert 'name="reply"' not in body  # nothing more is written on a merged ticket
    assert 'name="_save"' not in body and 'name="_continue"' not in body
    assert 'name="_save"' in client.get(change_url(survivor)).content.decode()


def test_merge_refuses_a_ticket_of_another_organisation(client_for, world, ticket):
    elsewhere = open_ticket(world, "Theirs", organisation=world.other_org, requester=world.outsider)
    url = reverse("admin:tickets_ticket_merge", args=[ticket.pk])
    client = client_for(world.agent)
    assert client.get(url).status_code == 200
    response = client.post(url, {"into": elsewhere.number})
    assert response.status_code == 200
    assert "Only tickets of the same organisation can be merged." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into is None and ticket.status == Status.NEW


# --- The change form: the agent's actions (tickets/admin/workspace.py) ----


def act(client, ticket, kind, **data):
    """Post one action as the page's form does, with the `seen` mark the page drew."""
    page = client.get(change_url(ticket))
    assert page.status_code == 200
    data.setdefault("seen", page.context["ws"]["seen"])
    url = reverse(f"admin:tickets_ticket_{kind}", args=[ticket.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def work(client, ticket, **changes):
    ticket.refresh_from_db()
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        **changes,
    }
    return act(client, ticket, "work", **data)


def test_status_select_offers_only_the_allowed_moves(client_for, world, ticket):
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    response = client_for(world.agent).get(change_url(ticket))
    widget = response.context["ws"]["work_form"].fields["status"].widget
    assert {value for value, _label in widget.choices} == {
        Status.RESOLVED,
        Status.REOPENED,
        Status.CLOSED,
    }


def test_agent_moves_the_status_through_the_service(client_for, world, ticket):
    client = client_for(world.agent)
    response = work(client, ticket, status=Status.WAITING_ON_CLIENT)
    assert response.status_code == 200 and "Saved." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CLIENT
    assert events(ticket, "ticket_status_changed").get().data["status"] == "waiting_on_client"


def test_a_forbidden_move_shows_the_reason_and_saves_nothing(client_for, world, ticket):
    client = client_for(world.agent)
    # A new ticket cannot be reopened; the priority asked for with it is not kept either.
    response = work(client, ticket, status=Status.REOPENED, priority=Priority.HIGH)
    assert response.status_code == 200
    assert "cannot be moved to reopened" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.priority == Priority.MEDIUM
    assert not Event.objects.exclude(verb="ticket_opened").filter(data__number=ticket.number)


def test_a_refused_reply_keeps_what_the_agent_typed(client_for, world, ticket):
    client = client_for(world.agent)
    response = act(client, ticket, "reply", reply="We are on it", then=Status.REOPENED)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "We are on it" in body  # the agent keeps what they typed
    assert not ticket.comments.exists()


def test_a_reply_whose_status_the_service_refuses_is_undone(client_for, world, ticket):
    client = client_for(world.agent)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    # Resolved, the reply reopens nothing by itself; "in progress" is not a move from there.
    response = act(client, ticket, "reply", reply="One more thing", then=Status.IN_PROGRESS)
    body = response.content.decode()
    assert "cannot be moved to" in body and "One more thing" in body
    assert not ticket.comments.exists()


def test_priority_change_records_an_event(client_for, world, ticket):
    client = client_for(world.agent)
    assert work(client, ticket, priority=Priority.HIGH).status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    event = events(ticket, "ticket_priority_changed").get()
    assert event.actor == world.agent and event.data["priority"] == "high"


def test_assign_to_another_agent_from_the_form(client_for, world, ticket):
    client = client_for(world.agent)
    assert work(client, ticket, assignee=world.supervisor.pk).status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == world.supervisor
    assert events(ticket, "ticket_assigned").get().data["assignee"] == str(world.supervisor)


def test_assign_to_me_button(client_for, world, ticket):
    client = client_for(world.agent)
    assert work(client, ticket, assign_me=world.agent.pk).status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == world.agent


def test_only_staff_can_be_assigned(client_for, world, ticket):
    client = client_for(world.agent)
    response = work(client, ticket, assignee=world.member.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_reply_creates_a_public_comment_and_event(client_for, world, ticket):
    client = client_for(world.agent)
    response = act(client, ticket, "reply", reply="Restart the CPE")
    assert response.status_code == 200 and "Reply sent." in response.content.decode()
    comment = ticket.comments.get()
    assert comment.body == "Restart the CPE" and not comment.is_internal
    assert comment.author == world.agent
    ticket.refresh_from_db()
    assert ticket.public_reply_count == 1
    assert ticket.status == Status.OPEN  # a first answer opens a new ticket
    assert events(ticket, "ticket_replied").get().visibility == Visibility.PUBLIC
    # The answer carries the thread with the reply, out of band, and an empty form.
    body = response.content.decode()
    assert 'id="ws-thread" hx-swap-oob="true"' in body and "Restart the CPE" in body


def test_reply_and_then_resolve(client_for, world, ticket):
    client = client_for(world.agent)
    assert (
        act(client, ticket, "reply", reply="Fixed: try now", then=Status.RESOLVED).status_code
        == 200
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.comments.get().body == "Fixed: try now"


def test_reply_and_wait_on_the_client(client_for, world, ticket):
    client = client_for(world.agent)
    act(client, ticket, "reply", reply="Can you send a photo?", then=Status.WAITING_ON_CLIENT)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CLIENT


def test_an_empty_reply_is_refused_with_a_message(client_for, world, ticket):
    response = act(client_for(world.agent), ticket, "reply", reply="   ")
    assert "Write a message or attach a file." in response.content.decode()
    assert not ticket.comments.exists()


def test_internal_note_is_internal_and_never_in_the_clients_feed(client_for, world, ticket):
    client = client_for(world.agent)
    assert (
        act(client, ticket, "note", note="Client's router is EOL, push an upgrade").status_code
        == 200
    )
    note = ticket.comments.get()
    assert note.is_internal
    assert not Comment.objects.public().filter(pk=note.pk).exists()
    event = events(ticket, "ticket_note_added").get()
    assert event.visibility == Visibility.INTERNAL
    assert event not in Event.objects.for_organisation_feed(world.org)
    ticket.refresh_from_db()
    assert ticket.public_reply_count == 0 and ticket.status == Status.NEW

    body = client.get(change_url(ticket)).content.decode()
    assert "ticket-comment--internal" in body  # staff see it, marked as internal
    assert "Client&#x27;s router is EOL" in body  # escaped


def test_thread_escapes_what_clients_write(client_for, world, ticket):
    services.comment_add(ticket=ticket, author=world.member, body="<script>alert(1)</script>")
    body = client_for(world.agent).get(change_url(ticket)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_reply_with_an_attachment_stores_it(client_for, world, ticket):
    client = client_for(world.agent)
    upload = SimpleUploadedFile("screenshot.png", PNG, content_type="image/png")
    assert (
        act(client, ticket, "reply", reply="See the screenshot", reply_files=upload).status_code
        == 200
    )
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.comment == ticket.comments.get()
    assert (attachment.name, attachment.content_type) == ("screenshot.png", "image/png")
    assert not attachment.is_internal
    with attachment.file.open("rb") as stored:
        assert stored.read() == PNG

    download = client.get(reverse("admin:tickets_attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


def test_a_file_whose_content_does_not_match_its_name_is_refused(client_for, world, ticket):
    client = client_for(world.agent)
    upload = SimpleUploadedFile("photo.png", PDF, content_type="image/png")
    response = act(client, ticket, "note", note="Log attached", note_files=upload)
    assert response.status_code == 200
    assert "does not match its name" in response.content.decode()
    assert "Log attached" in response.content.decode()
    assert not Attachment.objects.exists() and not Comment.objects.exists()


def test_client_task_inline_goes_through_the_service(client_for, world, ticket):
    client = client_for(world.agent)
    data = form_data(
        client,
        ticket,
        **{
            "new_client_tasks-0-title": "Send the router log",
            "new_client_tasks-0-details": "System > Logging > export",
            "new_client_tasks-0-due_date": "2026-03-01",
            "new_client_tasks-0-assignee": world.manager.pk,
        },
    )
    assert client.post(change_url(ticket), data).status_code == 302
    task = ClientTask.objects.get(ticket=ticket)
    assert task.title == "Send the router log" and task.assignee == world.manager
    assert task.created_by == world.agent and task.due_date == date(2026, 3, 1)
    assert events(ticket, "client_task_added").get().data["title"] == "Send the router log"
    # Asked-for tasks are listed read-only on the form.
    assert "Send the router log" in client.get(change_url(ticket)).content.decode()


def test_client_task_assignee_must_belong_to_the_ticket_organisation(client_for, world, ticket):
    client = client_for(world.agent)
    data = form_data(
        client,
        ticket,
        **{"new_client_tasks-0-title": "Reboot", "new_client_tasks-0-assignee": world.outsider.pk},
    )
    response = client.post(change_url(ticket), data)
    assert response.status_code == 200
    assert not ClientTask.objects.exists()


# --- Permissions -----------------------------------------------------------


def test_the_ticket_page_reads_the_ticket_and_its_people_once(
    client_for, world, contract, django_assert_max_num_queries
):
    make_policy(name="Standard", is_global_default=True)
    category = Category.objects.create(name="Network", slug="network")
    ticket = open_ticket(world, category=category)
    services.ticket_assign(ticket=ticket, assignee=world.supervisor, by=world.agent)
    services.comment_add(ticket=ticket, author=world.agent, body="Looking at it.")
    services.client_task_add(
        ticket=ticket, title="Reboot", details="", due_date=None, assignee=None, by=world.agent
    )
    time_entry_add(ticket=ticket, agent=world.agent, minutes=30, description="Remote check")
    client = client_for(world.agent)

    with django_assert_max_num_queries(TICKET_PAGE_QUERIES) as page:
        assert client.get(change_url(ticket)).status_code == 200
    sqls = [q["sql"] for q in page.captured_queries]
    # The ticket once, with its organisation, people and category.
    assert len([sql for sql in sqls if sql.startswith('SELECT "tickets_ticket"."id"')]) == 1
    for user in (world.member, world.supervisor):
        assert not [sql for sql in sqls if f'"accounts_user"."id" = {user.pk} LIMIT' in sql]
    assert not [sql for sql in sqls if sql.startswith('SELECT "tickets_category"')]
    # Whom a task may be asked of: once for the blank row and the row template.
    assert len([sql for sql in sqls if '"accounts_membership"."organisation_id"' in sql]) == 1


def test_agent_cannot_delete_tickets(client_for, world, ticket):
    client = client_for(world.agent)
    delete = reverse("admin:tickets_ticket_delete", args=[ticket.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Opening one for a client is allowed (tests/tickets/test_admin_add.py).
    assert client.get(reverse("admin:tickets_ticket_add")).status_code == 200
    actions = dict(client.get(QUEUE).context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions and "assign_to_me" in actions
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_staff_who_may_only_look_see_the_thread_but_no_composer(client_for, world, ticket):
    services.comment_add(ticket=ticket, author=world.member, body="Any news?")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    client = client_for(viewer)
    response = client.get(change_url(ticket))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Any news?" in body and 'name="reply"' not in body and 'name="status"' not in body
    reply = reverse("admin:tickets_ticket_reply", args=[ticket.pk])
    assert client.post(reply, {"reply": "Hi", "seen": 0}).status_code == 403
    assert not ticket.comments.filter(body="Hi").exists()


def test_clients_never_reach_the_admin(client_for, world, ticket):
    for person in (world.member, world.manager, world.partner):
        client = client_for(person)
        for url in (QUEUE, change_url(ticket)):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))


def test_agent_reads_configuration_supervisor_changes_it(client_for, world):
    agent = client_for(world.agent)
    assert agent.get(reverse("admin:tickets_category_changelist")).status_code == 200
    assert agent.get(reverse("admin:tickets_category_add")).status_code == 403
    for name in ("callrequest", "rating", "attachment"):
        assert agent.get(reverse(f"admin:tickets_{name}_changelist")).status_code == 200

    supervisor = client_for(world.supervisor)
    response = supervisor.post(
        reverse("admin:tickets_category_add"),
        {"name": "Network", "slug": "network", "order": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Category.objects.filter(slug="network").exists()
    for name in ("requestsection", "requesttype", "priorityrule", "ticketpolicy"):
        assert supervisor.get(reverse(f"admin:tickets_{name}_add")).status_code == 200


def test_saving_a_recurring_ticket_schedules_it(client_for, world):
    client = client_for(world.supervisor)
    response = client.post(
        reverse("admin:tickets_recurringticket_add"),
        {
            "organisation": world.org.pk,
            "requester": world.member.pk,
            "subject": "Monthly backup check",
            "description": "Restore one file from last night's backup.",
            "priority": Priority.MEDIUM,
            "frequency": RecurringTicket.Frequency.MONTHLY,
            "start_date": "2026-01-01",
            "time": "09:00",
            "day_of_month": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    template = RecurringTicket.objects.get()
    assert template.next_run_at is not None
    assert template.time == time(9, 0)


def test_recurring_ticket_requester_must_be_a_member(client_for, world):
    outsider = member_of(world.other_org)
    response = client_for(world.supervisor).post(
        reverse("admin:tickets_recurringticket_add"),
        {
            "organisation": world.org.pk,
            "requester": outsider.pk,
            "subject": "Weekly check",
            "description": "Check",
            "priority": Priority.MEDIUM,
            "frequency": RecurringTicket.Frequency.WEEKLY,
            "start_date": "2026-01-05",
            "time": "09:00",
            "weekday": 0,
        },
    )
    assert response.status_code == 200
    assert "requester" in response.context["adminform"].form.errors
    assert not RecurringTicket.objects.exists()
