"""The supervisors' audit trail in the admin: read, search, export; nobody changes it."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.demo import run as run_demo
from audit.models import Action, AuditEntry
from audit.queries import security_events_for
from audit.services import record
from tests.factories import UserFactory

LIST = reverse("admin:audit_auditentry_changelist")
EXPORT = reverse("admin:audit_auditentry_export")


def row(entry):
    return reverse("admin:audit_auditentry_change", args=[entry.pk])


def test_the_supervisors_group_may_read_the_trail(world):
    supervisors = Group.objects.get(name="supervisor")
    assert supervisors.permissions.filter(codename="view_auditentry").exists()
    assert (
        not Group.objects.get(name="agent")
        .permissions.filter(content_type__app_label="audit")
        .exists()
    )


def test_an_agent_gets_403_everywhere(client_for, world):
    entry = record(action=Action.EXPORT, actor=world.agent)
    client = client_for(world.agent)
    for url in (LIST, EXPORT, row(entry)):
        assert client.get(url).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_supervisor_reads_but_cannot_add_change_or_delete(client_for, world):
    entry = record(action=Action.SIGNIN, actor=world.member, target=world.member)
    client = client_for(world.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert not response.context["has_add_permission"]
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
    page = client.get(row(entry))
    assert page.status_code == 200 and "member@andes.test" in page.content.decode()
    assert client.post(row(entry), {"actor_label": "x"}).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403


def test_a_superuser_cannot_change_it_either(client_for, world):
    boss = UserFactory(is_staff=True, is_superuser=True)
    entry = record(action=Action.EXPORT, actor=boss)
    client = client_for(boss)
    assert client.get(row(entry)).status_code == 200
    assert client.post(row(entry), {"actor_label": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "member@andes.test"}, {"member@andes.test"}),
        ({"q": "198.51.100.9"}, {"boss@other.test"}),
        ({"q": "req-7"}, {"boss@other.test"}),
        ({"action__exact": "role_changed"}, {"manager@andes.test"}),
        # The supervisor's own sign-in (the test client's) is staff too.
        ({"actor_is_staff__exact": "1"}, {"agent@support.test", "supervisor@support.test"}),
    ],
)
def test_search_and_filters(client_for, world, rf, query, found):
    record(action=Action.SIGNIN, actor=world.member)
    request = rf.get("/", REMOTE_ADDR="198.51.100.9")
    request.request_id = "req-7"
    record(action=Action.SIGNIN, actor=world.outsider, request=request)
    record(action=Action.ROLE_CHANGED, actor=world.manager, organisation=world.org)
    record(action=Action.EXPORT, actor=world.agent)
    client = client_for(world.supervisor)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert {e.actor_label for e in response.context["cl"].result_list} == found


def test_the_list_reads_a_fixed_number_of_queries(client_for, world, django_assert_num_queries):
    client = client_for(world.supervisor)
    client.get(LIST)  # warm the caches of content types and permissions

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for _ in range(3):
        record(action=Action.SIGNIN, actor=world.member, target=world.member)
    few = count()
    for _ in range(30):
        record(action=Action.ROLE_CHANGED, actor=world.manager, organisation=world.org)
    assert count() == few
    assert few <= 12


def test_the_export_is_the_filtered_list_safe_for_spreadsheets_and_itself_recorded(
    client_for, world
):
    record(action=Action.SIGNIN, actor=world.member, target=world.member)
    record(
        action=Action.ROLE_CHANGED,
        actor=world.manager,
        organisation=world.org,
        label='=HYPERLINK("http://evil")',
        changes={"role": ["member", "manager"]},
    )
    client = client_for(world.supervisor)
    response = client.get(EXPORT, {"action__exact": "role_changed"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["at", "action", "actor"]
    assert len(rows) == 2
    assert rows[1][1] == "role_changed" and rows[1][7] == "Andes Fibra"
    assert rows[1][10] == '\'=HYPERLINK("http://evil")'
    assert '"role": ["member", "manager"]' in rows[1][11]
    export = AuditEntry.objects.get(action=Action.EXPORT)
    assert export.actor == world.supervisor
    assert export.extra["rows"] == 1
    assert export.extra["filters"] == {"action__exact": ["role_changed"]}


def test_the_demo_leaves_a_few_days_of_sign_ins_once(world):
    demo = SimpleNamespace(
        users={
            "manager@andes.example": world.manager,
            "member@andes.example": world.member,
            "agent@support.example": world.agent,
        }
    )
    run_demo(demo)
    made = AuditEntry.objects.count()
    run_demo(demo)
    assert AuditEntry.objects.count() == made >= 5
    managers_view = security_events_for(world.org)
    assert {e.action for e in managers_view} == {
        Action.SIGNIN,
        Action.SIGNIN_FAILED,
        Action.SIGNOUT,
    }
    assert (
        min(AuditEntry.objects.values_list("at", flat=True)).date()
        < max(AuditEntry.objects.values_list("at", flat=True)).date()
    )
