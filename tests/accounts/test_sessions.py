"""The sessions list: where a person is logged in, and logging those browsers out."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.models import SignInSession
from audit.models import Action, AuditEntry
from tests.accounts.second_factor import other_session
from tests.factories import PASSWORD

SECURITY = reverse("accounts:security")


def _login(user, agent="Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537.36"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="198.51.100.7")
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    return client


def test_each_sign_in_appears_on_the_list_with_its_browser(world):
    first = _login(world.member)
    _login(world.member, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1")
    page = first.get(SECURITY).content.decode()
    assert "Chrome · Windows" in page
    assert "Safari · iPhone" in page
    assert "198.51.100.7" in page
    assert page.count("This browser") == 1
    assert SignInSession.objects.filter(user=world.member).count() == 2


def test_logging_out_takes_the_session_off_the_list(world):
    client = _login(world.member)
    client.post(reverse("accounts:logout"))
    assert not SignInSession.objects.filter(user=world.member).exists()


def test_log_out_one_other_browser(client, world):
    client.force_login(world.member)
    other = other_session(world.member)
    response = client.post(reverse("accounts:session_end", args=[other.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=other.session_key).exists()
    assert client.get(SECURITY).status_code == 200  # this one goes on
    assert AuditEntry.objects.filter(action=Action.SESSIONS_ENDED).exists()


def test_someone_elses_session_is_not_found(client, world):
    client.force_login(world.member)
    theirs = other_session(world.other_member)
    response = client.post(reverse("accounts:session_end", args=[theirs.pk]))
    assert response.status_code == 404
    assert Session.objects.filter(session_key=theirs.session_key).exists()


def test_log_out_everywhere_else(world):
    here = _login(world.member)
    there = _login(world.member)
    elsewhere = other_session(world.member)
    response = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "2 other sessions have been signed out" in response.content.decode()
    assert there.get(SECURITY).status_code == 302  # sent to log in
    assert not Session.objects.filter(session_key=elsewhere.session_key).exists()
    assert here.get(SECURITY).status_code == 200


def test_a_password_change_logs_out_the_other_browsers(world):
    here = _login(world.member)
    there = _login(world.member)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase 2026",
            "new_password2": "a new and long passphrase 2026",
        },
    )
    assert response.status_code == 302
    assert here.get(SECURITY).status_code == 200
    assert there.get(SECURITY).status_code == 302
    assert SignInSession.objects.filter(user=world.member).count() == 1
    assert AuditEntry.objects.filter(
        action=Action.PASSWORD_CHANGED, target_id=str(world.member.pk)
    ).exists()


def test_an_idle_session_ends(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _login(world.member)
    session = client.session
    session[sessions.SEEN_KEY] -= 31 * 60
    session.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert not SignInSession.objects.filter(user=world.member).exists()


def test_activity_keeps_a_session_and_is_noted_once_a_minute(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _login(world.member)
    session = client.session
    session[sessions.SEEN_KEY] -= 20 * 60
    session.save()
    assert client.get(reverse("portal:dashboard")).status_code == 200
    row = SignInSession.objects.get(user=world.member)
    assert (row.last_seen_at - row.created_at).total_seconds() >= 0
    assert abs(client.session[sessions.SEEN_KEY] - row.last_seen_at.timestamp()) < 1


def test_the_security_page_costs_the_same_with_more_sessions(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.member)
    client.get(SECURITY)
    with django_assert_max_num_queries(12) as few:
        client.get(SECURITY)
    for _ in range(5):
        other_session(world.member)
    with django_assert_max_num_queries(len(few)):
        client.get(SECURITY)
