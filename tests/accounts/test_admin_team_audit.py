"""Roles and access that staff change in the admin reach the organisation's security events."""

from django.urls import reverse

from audit.models import Action
from audit.queries import security_events_for
from tests.knowledge.test_admin import form_data


def _membership(world):
    return world.member.memberships.get(organisation=world.org)


def test_a_role_changed_on_the_membership_page_is_a_team_event(client, world):
    membership = _membership(world)
    client.force_login(world.supervisor)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    data = form_data(client.get(url))
    data["role"] = "manager"
    response = client.post(url, data)
    assert response.status_code == 302
    event = security_events_for(world.org).get(action=Action.ROLE_CHANGED)
    assert event.changes == {"role": ["member", "manager"]}
    assert event.actor == world.supervisor
    assert not security_events_for(world.other_org).filter(action=Action.ROLE_CHANGED).exists()


def test_a_role_changed_in_the_organisations_rows_is_a_team_event(client, world):
    membership = _membership(world)
    client.force_login(world.supervisor)
    url = reverse("admin:accounts_organisation_change", args=[world.org.pk])
    data = form_data(client.get(url))
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(membership.pk))
    data[prefix.replace("-id", "-role")] = "manager"
    data[prefix.replace("-id", "-is_active")] = ""
    data.pop(prefix.replace("-id", "-is_active"))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    actions = set(security_events_for(world.org).values_list("action", flat=True))
    assert {Action.ROLE_CHANGED, Action.MEMBER_DEACTIVATED} <= actions


def test_nothing_changed_records_no_team_event(client, world):
    membership = _membership(world)
    client.force_login(world.supervisor)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    client.post(url, form_data(client.get(url)))
    assert not security_events_for(world.org).filter(action=Action.ROLE_CHANGED).exists()
