"""The audit trail: one row per staff action or security event, never changed.

Append-only is enforced by PostgreSQL itself (migration 0002 installs a trigger
that refuses UPDATE, DELETE and TRUNCATE of the table), so no code path, admin
action or raw SQL from the application can rewrite history. `save()` and
`delete()` refuse too, so that a mistake shows at the line that made it rather
than as a database error at commit.

Rows point at people and organisations with PROTECT: the trigger would refuse
the UPDATE that SET_NULL needs, and a person with history is deactivated, not
deleted. Labels (`actor_label`, `target_label`) keep what the row was about
readable whatever happens to the objects later.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    # Security events about a person (sign-in, second factor, password).
    SIGNIN = "signin", _("Signed in")
    SIGNIN_FAILED = "signin_failed", _("Failed sign-in")
    SIGNOUT = "signout", _("Signed out")
    SECOND_FACTOR_ENABLED = "second_factor_enabled", _("Second factor turned on")
    SECOND_FACTOR_DISABLED = "second_factor_disabled", _("Second factor turned off")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    SECOND_FACTOR_REQUIREMENT = "second_factor_requirement", _("Two-step verification rule")
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("Recovery codes regenerated")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    SESSIONS_ENDED = "sessions_ended", _("Other sessions ended")
    # An organisation's team.
    ROLE_CHANGED = "role_changed", _("Role changed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    MEMBER_DEACTIVATED = "member_deactivated", _("Member deactivated")
    MEMBER_REACTIVATED = "member_reactivated", _("Member reactivated")
    # Data leaving the application, and documents sent for signature.
    EXPORT = "export", _("Export")
    DOCUMENT_SENT = "document_sent", _("Document sent for signature")
    # Staff in the admin.
    ADMIN_ADD = "admin_add", _("Added in the admin")
    ADMIN_CHANGE = "admin_change", _("Changed in the admin")
    ADMIN_DELETE = "admin_delete", _("Deleted in the admin")
    ADMIN_ACTION = "admin_action", _("Admin action")
    IMPERSONATION_STARTED = "impersonation_started", _("Impersonation started")
    IMPERSONATION_ENDED = "impersonation_ended", _("Impersonation ended")


# About one person's account: recorded with the organisations the person was an
# active member of at that moment (AuditEntry.member_of).
PERSONAL_SECURITY_ACTIONS = frozenset(
    {
        Action.SIGNIN,
        Action.SIGNIN_FAILED,
        Action.SIGNOUT,
        Action.SECOND_FACTOR_ENABLED,
        Action.SECOND_FACTOR_DISABLED,
        Action.SECOND_FACTOR_RESET,
        Action.SECOND_FACTOR_FAILED,
        Action.RECOVERY_CODES_REGENERATED,
        Action.RECOVERY_CODE_USED,
        Action.PASSWORD_CHANGED,
        Action.PASSWORD_RESET,
        Action.SESSIONS_ENDED,
    }
)
# About an organisation's team: recorded with that organisation.
TEAM_ACTIONS = frozenset(
    {
        Action.ROLE_CHANGED,
        Action.INVITATION_SENT,
        Action.INVITATION_REVOKED,
        Action.INVITATION_ACCEPTED,
        Action.MEMBER_DEACTIVATED,
        Action.MEMBER_REACTIVATED,
        Action.SECOND_FACTOR_REQUIREMENT,
    }
)
# What an organisation's managers see of the trail (audit.queries.security_events_for).
SECURITY_ACTIONS = PERSONAL_SECURITY_ACTIONS | TEAM_ACTIONS


def _now():
    # Looked up at each call, not bound at import: the demo's `core.demo.dated`
    # dates a block's rows by swapping timezone.now, and then re-dates with an
    # UPDATE only the columns whose default is the real timezone.now, an UPDATE
    # this table refuses.
    return timezone.now()


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row from the application."""


class AuditEntryQuerySet(models.QuerySet):
    def about_organisation(self, organisation):
        """Rows recorded for `organisation`, or about a person who was its member then."""
        return self.filter(
            models.Q(organisation=organisation) | models.Q(member_of__contains=[organisation.pk])
        )


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=_now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's e-mail then (or the address tried, on a failed sign-in).
    actor_label = models.CharField(_("who (as then)"), max_length=254, blank=True)
    actor_is_staff = models.BooleanField(_("staff"), default=False)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For a person's security events: the organisations they were an active member
    # of at that moment, so that a later move does not rewrite who saw what.
    member_of = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    # {field: [before, after]}
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["organisation", "-at"], name="audit_org_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["request_id"], name="audit_request"),
            models.Index(fields=["ip"], name="audit_ip"),
            GinIndex(fields=["member_of"], name="audit_member_of"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")
