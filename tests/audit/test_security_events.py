"""Security events: sign-ins and team changes, and what an organisation's managers see."""

import pytest
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts import services
from accounts.models import Invitation, Role
from audit.models import SECURITY_ACTIONS, Action, AuditEntry
from audit.queries import security_events_for
from audit.services import record
from tests.factories import PASSWORD, MembershipFactory, member_of

pytestmark = pytest.mark.django_db


def browser(address="203.0.113.5"):
    request = RequestFactory().post("/account/login/", REMOTE_ADDR=address)
    request.session = SessionStore()
    request.user = AnonymousUser()  # as the middleware leaves it: login() replaces it
    return request


def sign_in(user, address="203.0.113.5"):
    request = browser(address)
    signed = authenticate(request, username=user.email, password=PASSWORD)
    assert signed == user
    login(request, signed)
    return request


def test_a_sign_in_is_recorded_with_the_members_organisations_then(world):
    sign_in(world.member)
    entry = AuditEntry.objects.get(action=Action.SIGNIN)
    assert entry.actor == world.member and entry.ip == "203.0.113.5"
    assert entry.member_of == [world.org.pk]
    assert not entry.actor_is_staff


def test_a_failed_sign_in_keeps_the_address_tried_never_the_password(world):
    request = browser("192.0.2.66")
    assert authenticate(request, username="Manager@andes.test", password="guess-Nr-1") is None
    entry = AuditEntry.objects.get(action=Action.SIGNIN_FAILED)
    assert entry.actor is None
    assert entry.extra == {"email": "Manager@andes.test"}
    assert entry.target_label == "Manager@andes.test"
    assert entry.target_id == str(world.manager.pk)
    assert entry.ip == "192.0.2.66"
    assert entry.member_of == [world.org.pk]
    assert "guess-Nr-1" not in str(AuditEntry.objects.values().get())


def test_a_failed_sign_in_for_an_unknown_address_belongs_to_no_organisation(world):
    authenticate(browser(), username="nobody@nowhere.test", password="x")
    entry = AuditEntry.objects.get(action=Action.SIGNIN_FAILED)
    assert entry.target_id == "" and entry.member_of == []
    assert not security_events_for(world.org).exists()


def test_sign_out_is_recorded(world):
    request = sign_in(world.manager)
    logout(request)
    assert AuditEntry.objects.filter(action=Action.SIGNOUT, actor=world.manager).exists()


def test_role_changes_keep_before_and_after_and_the_organisation(world):
    membership = world.member.memberships.get()
    services.membership_change_role(membership=membership, role=Role.MANAGER, by=world.manager)
    entry = AuditEntry.objects.get(action=Action.ROLE_CHANGED)
    assert entry.changes == {"role": ["member", "manager"]}
    assert entry.organisation == world.org and entry.actor == world.manager
    assert entry.target_id == str(membership.pk)


def test_a_refused_role_change_leaves_no_row(world):
    last_manager = world.manager.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=last_manager, role=Role.MEMBER, by=world.manager)
    assert not AuditEntry.objects.filter(action=Action.ROLE_CHANGED).exists()


def test_deactivation_and_reactivation(world):
    membership = world.member.memberships.get()
    services.membership_deactivate(membership=membership, by=world.manager)
    services.membership_reactivate(membership=membership, by=world.manager)
    rows = AuditEntry.objects.filter(organisation=world.org).order_by("pk")
    assert [(row.action, row.changes) for row in rows] == [
        (Action.MEMBER_DEACTIVATED, {"is_active": [True, False]}),
        (Action.MEMBER_REACTIVATED, {"is_active": [False, True]}),
    ]


def test_invitations_sent_revoked_and_accepted(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        invitation = services.invitation_create(
            organisation=world.org,
            email="New@andes.test",
            role=Role.MEMBER,
            invited_by=world.manager,
        )
    services.invitation_revoke(invitation=invitation, by=world.manager)
    services.invitation_revoke(invitation=invitation, by=world.manager)  # already revoked
    with django_capture_on_commit_callbacks():
        second = services.invitation_create(
            organisation=world.org,
            email="new2@andes.test",
            role=Role.MEMBER,
            invited_by=world.manager,
        )
    newcomer = member_of(world.other_org, email="new2@andes.test")
    services.invitation_accept(invitation=Invitation.objects.get(pk=second.pk), user=newcomer)
    actions = list(
        AuditEntry.objects.filter(organisation=world.org)
        .order_by("pk")
        .values_list("action", "target_label")
    )
    assert actions[:3] == [
        (Action.INVITATION_SENT, "new@andes.test"),
        (Action.INVITATION_REVOKED, "new@andes.test"),
        (Action.INVITATION_SENT, "new2@andes.test"),
    ]
    assert actions[3][0] == Action.INVITATION_ACCEPTED and len(actions) == 4


def test_managers_see_their_organisations_security_events_only(world):
    sign_in(world.member)
    sign_in(world.outsider)  # another organisation's manager
    sign_in(world.agent)  # staff
    authenticate(browser(), username=world.outsider.email, password="wrong")
    services.membership_change_role(
        membership=world.member.memberships.get(), role=Role.MANAGER, by=world.manager
    )
    other_member = member_of(world.other_org)
    services.membership_deactivate(membership=other_member.memberships.get(), by=world.outsider)
    record(action=Action.EXPORT, actor=world.manager, organisation=world.org)  # not security

    mine = security_events_for(world.org)
    assert sorted((e.action, e.actor_label or e.target_label) for e in mine) == [
        (Action.ROLE_CHANGED, "manager@andes.test"),
        (Action.SIGNIN, "member@andes.test"),
    ]
    theirs = security_events_for(world.other_org)
    assert {e.action for e in theirs} == {
        Action.SIGNIN,
        Action.SIGNIN_FAILED,
        Action.MEMBER_DEACTIVATED,
    }
    assert all(e.action in SECURITY_ACTIONS for e in theirs)


def test_a_sign_in_stays_with_the_organisations_of_its_time(world):
    sign_in(world.member)
    membership = world.member.memberships.get()
    services.membership_deactivate(membership=membership, by=world.manager)
    sign_in(world.member)  # no longer a member of org
    signins = security_events_for(world.org).filter(action=Action.SIGNIN)
    assert signins.count() == 1


def test_a_member_of_two_organisations_is_seen_by_both(world):
    MembershipFactory(user=world.member, organisation=world.other_org)
    sign_in(world.member)
    assert security_events_for(world.org).filter(action=Action.SIGNIN).count() == 1
    assert security_events_for(world.other_org).filter(action=Action.SIGNIN).count() == 1


def test_security_events_for_reads_in_one_query(world, django_assert_num_queries):
    for _ in range(5):
        sign_in(world.member)
    with django_assert_num_queries(1):
        assert [e.actor.email for e in security_events_for(world.org)] == ["member@andes.test"] * 5
