import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User
from accounts.services import invitation_create
from accounts.tasks import send_invitation
from accounts.tokens import invitation_token
from activity.models import Event
from tests.factories import InvitationFactory


@pytest.mark.parametrize("persona", ["member", "partner"])
@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("accounts:team", "get", []),
        ("accounts:team_invite", "post", []),
        ("accounts:member_role", "post", ["membership"]),
        ("accounts:member_deactivate", "post", ["membership"]),
        ("accounts:member_reactivate", "post", ["membership"]),
        ("accounts:invitation_revoke", "post", ["invitation"]),
    ],
)
def test_the_team_pages_do_not_exist_for_members_and_partners(
    client, world, persona, name, method, args
):
    ids = {
        "membership": world.other_member.memberships.get().pk,
        "invitation": InvitationFactory(organisation=world.org, invited_by=world.manager).pk,
    }
    client.force_login(getattr(world, persona))
    response = getattr(client, method)(reverse(name, args=[ids[a] for a in args]))
    assert response.status_code == 404
    client.force_login(world.manager)  # positive control
    assert getattr(client, method)(reverse(name, args=[ids[a] for a in args])).status_code != 404


def test_team_link_only_for_managers(client, world):
    client.force_login(world.member)
    assert reverse("accounts:team") not in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(world.manager)
    assert reverse("accounts:team") in client.get(reverse("portal:dashboard")).content.decode()


def test_manager_sees_only_own_organisation_people(client, world):
    client.force_login(world.manager)
    body = client.get(reverse("accounts:team")).content.decode()
    assert world.member.email in body
    assert world.outsider.email not in body


def test_invitation_is_recorded_and_mailed_with_a_working_link(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("accounts:team_invite"), {"email": "New.Person@Example.com", "role": "member"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.com"
    assert Event.objects.filter(verb="member_invited", organisation=world.org).count() == 1
    assert callbacks  # the e-mail and the event leave only after commit

    send_invitation(invitation.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Andes Fibra" in message.subject
    link = re.search(r"https?://\S+/account/invitations/\S+/", message.body).group(0)
    assert link in message.alternatives[0][0]  # the HTML part carries the same link
    client.logout()
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert page.context["invitation"] == invitation


def test_inviting_bad_email_changes_nothing(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("accounts:team_invite"), {"email": "not-an-email", "role": "x"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_current_member_is_refused(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("accounts:team_invite"), {"email": world.member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_earlier_one(world):
    first = invitation_create(
        organisation=world.org, email="x@example.com", role="member", invited_by=world.manager
    )
    second = invitation_create(
        organisation=world.org, email="X@example.com", role="manager", invited_by=world.manager
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(Invitation.objects.pending()) == [second]


def test_newcomer_registers_in_the_organisation_language_and_joins(client, world):
    invitation = InvitationFactory(organisation=world.org, email="nuevo@andes.test")
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    page = client.get(url)
    assert page.status_code == 200
    assert '<html lang="es">' in page.content.decode()  # the organisation's language
    response = client.post(
        url,
        {
            "display_name": "Nuevo",
            "password1": "un-buen-secreto-42",
            "password2": "un-buen-secreto-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nuevo@andes.test")
    assert user.language == "es"
    assert user.timezone == world.org.timezone
    assert Membership.objects.get(user=user).organisation == world.org
    assert client.get(reverse("portal:dashboard")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_registration_with_mismatched_passwords_changes_nothing(client, world):
    invitation = InvitationFactory(organisation=world.org, email="nuevo@andes.test")
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    response = client.post(
        url, {"display_name": "Nuevo", "password1": "un-buen-secreto-42", "password2": "otro"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="nuevo@andes.test").exists()


def test_existing_user_accepts_after_logging_in(client, world):
    invitation = InvitationFactory(
        organisation=world.org, email=world.outsider.email, role=Role.MANAGER
    )
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    assert "Log in" in client.get(url).content.decode()
    client.force_login(world.outsider)
    assert client.post(url).status_code == 302
    membership = Membership.objects.get(user=world.outsider, organisation=world.org)
    assert membership.role == Role.MANAGER


def test_invitation_cannot_be_accepted_by_someone_else(client, world):
    invitation = InvitationFactory(organisation=world.org, email="someone@else.test")
    client.force_login(world.outsider)
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    client.post(url)
    assert not Membership.objects.filter(user=world.outsider, organisation=world.org).exists()


def test_expired_invitation_is_refused(client, world):
    invitation = InvitationFactory(
        organisation=world.org, expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    response = client.get(url)
    assert response.status_code == 410
    assert "no longer works" in response.content.decode()


def test_used_invitation_cannot_be_used_twice(client, world):
    invitation = InvitationFactory(organisation=world.org, email="twice@andes.test")
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    data = {
        "display_name": "T",
        "password1": "un-buen-secreto-42",
        "password2": "un-buen-secreto-42",
    }
    client.post(url, data)
    client.logout()
    assert client.get(url).status_code == 410


@pytest.mark.parametrize("token", ["garbage", "1", "MQ:forged:signature"])
def test_forged_invitation_token_is_404(client, world, token):
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 404


def test_manager_withdraws_an_invitation(client, world):
    invitation = InvitationFactory(organisation=world.org)
    client.force_login(world.manager)
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    url = reverse("accounts:invitation_accept", args=[invitation_token(invitation)])
    client.logout()
    assert client.get(url).status_code == 410


def test_manager_changes_a_role(client, world):
    client.force_login(world.manager)
    membership = world.member.memberships.get()
    client.post(reverse("accounts:member_role", args=[membership.pk]), {"role": "manager"})
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    event = Event.objects.get(verb="member_role_changed")
    assert event.actor == world.manager
    assert event.data["role"] == "manager"


def test_invalid_role_changes_nothing(client, world):
    client.force_login(world.manager)
    membership = world.member.memberships.get()
    response = client.post(
        reverse("accounts:member_role", args=[membership.pk]), {"role": "owner"}, follow=True
    )
    assert "Choose a valid role" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_member_cannot_change_roles(client, world):
    client.force_login(world.member)
    membership = world.other_member.memberships.get()
    response = client.post(
        reverse("accounts:member_role", args=[membership.pk]), {"role": "manager"}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_last_manager_cannot_be_demoted_or_deactivated(client, world):
    client.force_login(world.manager)
    own = world.manager.memberships.get()
    response = client.post(
        reverse("accounts:member_role", args=[own.pk]), {"role": "member"}, follow=True
    )
    assert "last manager" in response.content.decode()
    response = client.post(reverse("accounts:member_deactivate", args=[own.pk]), follow=True)
    assert "last manager" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.MANAGER and own.is_active
    assert not Event.objects.filter(verb__in=["member_role_changed", "member_deactivated"]).exists()


def test_a_manager_can_step_down_once_there_is_another(client, world):
    second = world.member.memberships.get()
    second.role = Role.MANAGER
    second.save()
    client.force_login(world.manager)
    own = world.manager.memberships.get()
    client.post(reverse("accounts:member_role", args=[own.pk]), {"role": "member"})
    own.refresh_from_db()
    assert own.role == Role.MEMBER


def test_deactivate_and_reactivate_a_member(client, world):
    client.force_login(world.manager)
    membership = world.member.memberships.get()
    client.post(reverse("accounts:member_deactivate", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    client.post(reverse("accounts:member_reactivate", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.is_active
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["member_deactivated", "member_reactivated"]


def test_user_in_two_organisations_keeps_the_other(client, world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.member, organisation=world.other_org)
    client.force_login(world.manager)
    membership = world.member.memberships.get(organisation=world.org)
    client.post(reverse("accounts:member_deactivate", args=[membership.pk]))
    client.force_login(world.member)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert response.context["organisation"] == world.other_org
