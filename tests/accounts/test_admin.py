from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import AGENT, STAFF_GROUPS, SUPERVISOR


def test_staff_groups_hold_exactly_their_permissions(world):
    for name, perms in STAFF_GROUPS.items():
        group = Group.objects.get(name=name)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(perms)


def test_agent_can_look_but_not_change_organisations(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200
    url = reverse("admin:accounts_organisation_change", args=[world.org.pk])
    response = client.post(url, {"name": "Hijacked"})
    assert response.status_code == 403
    world.org.refresh_from_db()
    assert world.org.name == "Andes Fibra"
    assert world.agent.has_perm("accounts.view_user")
    assert not world.agent.has_perm("accounts.change_user")


def test_supervisor_manages_organisations_and_partners(client, world):
    client.force_login(world.supervisor)
    for name in ("organisation", "user", "membership", "partner", "invitation"):
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 200
    assert world.supervisor.has_perm("accounts.change_partnerassignment")
    assert Group.objects.get(name=SUPERVISOR) in world.supervisor.groups.all()
    assert Group.objects.get(name=AGENT) not in world.supervisor.groups.all()


def test_admin_search_finds_organisation(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("admin:accounts_organisation_changelist"), {"q": "Andes"})
    assert "Andes Fibra" in response.content.decode()
    assert "Other Co" not in response.content.decode()
