import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import AGENT, SUPERVISOR, staff_permissions


@pytest.mark.parametrize(
    ("persona", "url_name", "allowed"),
    [
        # Agents work tickets and read the setup; supervisors also change the setup.
        ("agent", "admin:tickets_ticket_changelist", True),
        ("agent", "admin:tickets_requesttype_add", False),
        ("agent", "admin:sla_slapolicy_add", False),
        ("agent", "admin:contracts_contract_add", False),
        ("agent", "admin:accounts_organisation_add", False),
        ("supervisor", "admin:tickets_requesttype_add", True),
        ("supervisor", "admin:sla_slapolicy_add", True),
        ("supervisor", "admin:contracts_contract_add", True),
        ("supervisor", "admin:accounts_organisation_add", True),
    ],
)
def test_staff_groups_open_the_admin_pages_of_their_job(client, world, persona, url_name, allowed):
    client.force_login(getattr(world, persona))
    status = client.get(reverse(url_name)).status_code
    assert status == (200 if allowed else 403)


def test_nobody_on_staff_deletes_a_ticket(client, world):
    from tickets.services import ticket_open

    ticket = ticket_open(
        organisation=world.org, requester=world.member, subject="Keep", description="History"
    )
    for persona in ("agent", "supervisor"):
        client.force_login(getattr(world, persona))
        url = reverse("admin:tickets_ticket_delete", args=[ticket.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(ticket).objects.filter(pk=ticket.pk).exists()


def test_every_permission_a_group_names_exists(world):
    # sync_staff_groups would otherwise drop a misspelt codename silently.
    for name, perms in staff_permissions().items():
        held = Group.objects.get(name=name).permissions.count()
        assert held == len(set(perms)), name


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
