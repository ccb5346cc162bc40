"""Every change to organisations, people and invitations goes through here.

Each function is one transaction that also records its activity event.
Business-rule failures raise ValidationError with a message for the user.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record as audit_record

from .models import Invitation, Membership, Organisation, Role, User
from .signals import team_changed


def _member_data(membership):
    return {"member": str(membership.user), "role": membership.role}


def _lock_active_managers(organisation) -> list[int]:
    """Lock the organisation's manager rows so two demotions cannot both pass."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )


def _check_not_last_manager(membership):
    managers = _lock_active_managers(membership.organisation)
    if managers == [membership.pk]:
        raise ValidationError(
            _("%(name)s is the last manager of the organisation; name another manager first.")
            % {"name": membership.user}
        )


def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    with transaction.atomic():
        # A new invitation replaces any earlier one for the same address.
        Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        team_changed.send(
            Invitation,
            organisation=organisation,
            actor=invited_by,
            verb="member_invited",
            target=invitation,
            data={"email": email, "role": role},
        )
        audit_record(
            action=Action.INVITATION_SENT,
            actor=invited_by,
            target=invitation,
            organisation=organisation,
            label=email,
            extra={"email": email, "role": role},
        )
        from .tasks import send_invitation

        transaction.on_commit(lambda: send_invitation.delay(invitation.pk), robust=True)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    revoked = Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            action=Action.INVITATION_REVOKED,
            actor=by,
            target=invitation,
            organisation=invitation.organisation,
            label=invitation.email,
            extra={"email": invitation.email, "role": invitation.role},
        )


def _check_usable(invitation: Invitation) -> None:
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or was already used."))


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_usable(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role},
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    team_changed.send(
        Membership,
        organisation=invitation.organisation,
        actor=user,
        verb="member_joined",
        target=membership,
        data=_member_data(membership),
    )
    audit_record(
        action=Action.INVITATION_ACCEPTED,
        actor=user,
        target=membership,
        organisation=invitation.organisation,
        extra={"email": invitation.email, "role": invitation.role, "invitation": invitation.pk},
    )
    return membership


@transaction.atomic
def user_register_from_invitation(
    *, invitation: Invitation, display_name: str, password: str
) -> User:
    """A newcomer's account, in their organisation's language and time zone from the start."""
    _check_usable(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this address already exists. Log in to accept the invitation.")
        )
    organisation = invitation.organisation
    user = User.objects.create_user(
        invitation.email,
        password,
        display_name=display_name,
        language=organisation.default_language,
        timezone=organisation.timezone,
    )
    invitation_accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.MANAGER:
        _check_not_last_manager(membership)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    team_changed.send(
        Membership,
        organisation=membership.organisation,
        actor=by,
        verb="member_role_changed",
        target=membership,
        data=_member_data(membership),
    )
    audit_record(
        action=Action.ROLE_CHANGED,
        actor=by,
        target=membership,
        organisation=membership.organisation,
        changes={"role": [before, role]},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    if membership.role == Role.MANAGER:
        _check_not_last_manager(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    team_changed.send(
        Membership,
        organisation=membership.organisation,
        actor=by,
        verb="member_deactivated",
        target=membership,
        data=_member_data(membership),
    )
    audit_record(
        action=Action.MEMBER_DEACTIVATED,
        actor=by,
        target=membership,
        organisation=membership.organisation,
        changes={"is_active": [True, False]},
    )
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    team_changed.send(
        Membership,
        organisation=membership.organisation,
        actor=by,
        verb="member_reactivated",
        target=membership,
        data=_member_data(membership),
    )
    audit_record(
        action=Action.MEMBER_REACTIVATED,
        actor=by,
        target=membership,
        organisation=membership.organisation,
        changes={"is_active": [False, True]},
    )
    return membership


def profile_update(
    *, user: User, display_name: str, language: str, timezone: str, phone: str
) -> User:
    user.display_name = display_name
    user.language = language
    user.timezone = timezone
    user.phone = phone
    user.save(update_fields=["display_name", "language", "timezone", "phone"])
    return user


def language_set(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user
