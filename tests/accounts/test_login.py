import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories import PASSWORD

LOGIN = "accounts:login"


def _login(client, email, password=PASSWORD):
    return client.post(reverse(LOGIN), {"username": email, "password": password})


def test_login_page_renders(client, db):
    response = client.get(reverse(LOGIN))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'type="email"' in response.content


def test_client_member_logs_in_and_reaches_the_dashboard(client, world):
    response = _login(client, "MEMBER@andes.test")  # e-mail is case-insensitive
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Andes Fibra" in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_staff_land_in_the_admin(client, world, persona):
    client.force_login(getattr(world, persona))
    response = client.get("/", follow=True)
    # Through the admin's index to their queue (config/admin.py).
    assert [url for url, _status in response.redirect_chain][-2] == reverse("admin:index")
    assert response.redirect_chain[-1][0].startswith(reverse("admin:tickets_ticket_changelist"))
    assert response.status_code == 200


def test_partner_reaches_the_dashboard_of_the_assigned_client(client, world):
    client.force_login(world.partner)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert response.context["organisation"] == world.org


def test_wrong_password_says_so_and_logs_nobody_in(client, world):
    response = _login(client, "member@andes.test", "wrong")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_login_with_a_clear_message(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "member@andes.test", "wrong")
    response = _login(client, "member@andes.test")  # even the right password now
    assert response.status_code == 429
    body = response.content.decode()
    assert "too many failed attempts" in body
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_global(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "member@andes.test", "wrong")
    assert _login(client, "manager@andes.test").status_code == 302


def test_deactivated_user_is_logged_out_on_next_request(client, world):
    client.force_login(world.member)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    world.member.is_active = False
    world.member.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_deactivated_organisation_logs_its_people_out(client, world):
    client.force_login(world.member)
    world.org.is_active = False
    world.org.save()
    response = client.get(reverse("portal:dashboard"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(LOGIN)
    assert "has been deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_membership_logs_the_member_out(client, world):
    client.force_login(world.member)
    Membership.objects.filter(user=world.member).update(is_active=False)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, world):
    client.force_login(world.member)
    page = client.get(reverse("accounts:logout"))
    assert page.status_code == 200  # asks to confirm, does not log out
    assert "_auth_user_id" in client.session
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_client_users_cannot_enter_the_admin(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
