"""Staff actions in the admin: each add, change, delete, bulk action and custom POST is a row."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import Action, AuditEntry
from canned.admin import CannedReplyAdmin
from canned.models import CannedReply, Scope
from tests.canned.factories import make_reply
from tests.canned.test_admin import texts
from tests.tickets.factories import open_ticket
from tickets.states import Priority

QUEUE = reverse("admin:tickets_ticket_changelist")
ADD = reverse("admin:canned_cannedreply_add")


def change(reply):
    return reverse("admin:canned_cannedreply_change", args=[reply.pk])


def admin_rows(**filters):
    return AuditEntry.objects.filter(action__startswith="admin_", **filters).order_by("pk")


def test_every_registered_model_admin_is_audited():
    from django.contrib import admin

    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not getattr(model_admin, "audit_mixed_in", False)
    ]
    assert unaudited == []
    # The class keeps its name for the admin's messages and checks.
    assert type(admin.site._registry[CannedReply]).__name__ == "CannedReplyAdmin"
    assert isinstance(admin.site._registry[CannedReply], CannedReplyAdmin)


def test_a_change_keeps_before_and_after_of_the_changed_fields(client_for, world):
    reply = make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": "Mine"})
    client = client_for(world.agent)
    response = client.post(change(reply), texts(en=("Mine 2", "Hello {client_first_name}")))
    assert response.status_code == 302
    entry = admin_rows().get()
    assert entry.action == Action.ADMIN_CHANGE
    assert entry.changes == {"title": ["Mine", "Mine 2"]}
    assert entry.actor == world.agent and entry.actor_is_staff
    assert entry.target_id == str(reply.pk) and entry.target_label == "Mine 2"
    assert entry.ip == "127.0.0.1"
    assert entry.extra == {"model": "canned.CannedReply"}


def test_an_addition_is_a_row_with_the_new_values(client_for, world):
    client = client_for(world.agent)
    assert client.post(ADD, texts(en=("Thanks", "Thank you"))).status_code == 302
    entry = admin_rows().get()
    reply = CannedReply.objects.get(title="Thanks")
    assert entry.action == Action.ADMIN_ADD and entry.target_id == str(reply.pk)
    assert entry.changes["title"] == [None, "Thanks"]


def test_a_deletion_is_a_row_with_what_the_object_held(client_for, world):
    reply = make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": "Old"})
    delete = reverse("admin:canned_cannedreply_delete", args=[reply.pk])
    assert client_for(world.agent).post(delete, {"post": "yes"}).status_code == 302
    assert not CannedReply.objects.filter(pk=reply.pk).exists()
    entry = admin_rows().get()
    assert entry.action == Action.ADMIN_DELETE
    assert entry.target_id == str(reply.pk) and entry.target_label == "Old"
    assert entry.extra["fields"]["title"] == "Old"


def test_a_bulk_action_is_one_row_with_the_ids(client_for, world):
    first, second = open_ticket(world, "One"), open_ticket(world, "Two")
    open_ticket(world, "Three")
    response = client_for(world.agent).post(
        QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    )
    assert response.status_code == 302
    entry = admin_rows().get()
    assert entry.action == Action.ADMIN_ACTION
    assert entry.extra["action"] == "assign_to_me"
    assert entry.extra["model"] == "tickets.Ticket"
    assert sorted(entry.extra["ids"]) == sorted([first.pk, second.pk])
    assert entry.extra["count"] == 2


def test_a_bulk_delete_is_a_row_per_object(client_for, world):
    mine = [
        make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": f"R{n}"}) for n in range(3)
    ]
    changelist = reverse("admin:canned_cannedreply_changelist")
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [r.pk for r in mine[:2]]}
    client = client_for(world.agent)
    assert client.post(changelist, data).status_code == 200  # the confirmation page
    assert not admin_rows().exists()
    assert client.post(changelist, {**data, "post": "yes"}).status_code == 302
    assert sorted(admin_rows().values_list("action", "target_label")) == [
        (Action.ADMIN_DELETE, "R0"),
        (Action.ADMIN_DELETE, "R1"),
    ]


def test_the_workspace_priority_change_is_a_row_with_before_and_after(client_for, world):
    ticket = open_ticket(world)
    old = ticket.priority
    client = client_for(world.agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    url = reverse("admin:tickets_ticket_work", args=[ticket.pk])
    data = {
        "status": ticket.status,
        "priority": Priority.HIGH,
        "assignee": "",
        "seen": page.context["ws"]["seen"],
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH != old
    entry = admin_rows().get()
    assert entry.action == Action.ADMIN_ACTION
    assert entry.changes["priority"] == [old, Priority.HIGH]
    assert entry.extra["url_name"] == "tickets_ticket_work"
    assert entry.extra["model"] == "tickets.Ticket"
    assert entry.target_id == str(ticket.pk)


def test_a_change_that_rolls_back_leaves_no_row(client_for, world, monkeypatch):
    reply = make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": "Mine"})

    def fails_after_logging(self, request, obj):
        raise RuntimeError("the response failed after the change was logged")

    monkeypatch.setattr(CannedReplyAdmin, "response_change", fails_after_logging)
    client = client_for(world.agent)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(change(reply), texts(en=("Mine 2", "Hi")))
    reply.refresh_from_db()
    assert reply.title == "Mine"
    assert not AuditEntry.objects.filter(action__startswith="admin_").exists()


def test_a_refused_custom_post_leaves_no_row(client_for, world):
    ticket = open_ticket(world)
    # Without the permission to change tickets, the work form is refused (403).
    world.agent.user_permissions.clear()
    for group in world.agent.groups.all():
        group.permissions.remove(Permission.objects.get(codename="change_ticket"))
    url = reverse("admin:tickets_ticket_work", args=[ticket.pk])
    response = client_for(world.agent).post(url, {"priority": Priority.HIGH})
    assert response.status_code == 403
    assert not admin_rows().exists()


def test_reads_are_not_recorded(client_for, world):
    ticket = open_ticket(world)
    client = client_for(world.agent)
    assert client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).status_code == 200
    assert client.get(QUEUE).status_code == 200
    assert not admin_rows().exists()
