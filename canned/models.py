"""Canned replies (personal, a team's, everyone's) and each agent's signature, per language."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.configtext import ALL, Translated, column, fallback_order, translations

from . import placeholders

# Who may manage the replies of a team and everyone's (agents manage their own only).
MANAGE_SHARED = "canned.manage_shared_replies"
# Who may read every agent's signature (each agent reads and edits their own).
VIEW_ALL_SIGNATURES = "canned.view_all_signatures"


class Scope(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    TEAM = "team", _("Team")
    EVERYONE = "everyone", _("Everyone")


# The picker lists personal replies first, then the team's, then everyone's.
SCOPE_RANK = {Scope.PERSONAL: 0, Scope.TEAM: 1, Scope.EVERYONE: 2}


class CannedReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The replies `user` may use: their own, their teams', everyone's. Staff only.

        Another agent's personal replies are never in it, a supervisor's view included.
        """
        if not user.is_authenticated or not user.is_active or not user.is_staff:
            return self.none()
        return self.filter(
            Q(scope=Scope.EVERYONE)
            | Q(scope=Scope.PERSONAL, owner=user)
            | Q(scope=Scope.TEAM, group__in=user.groups.all())
        )

    def manageable_by(self, user):
        """What `user` reads in the admin: as visible_to, and every team's for a supervisor."""
        visible = self.visible_to(user)
        if user.is_active and user.is_staff and user.has_perm(MANAGE_SHARED):
            return self.filter(Q(pk__in=visible.values("pk")) | Q(scope=Scope.TEAM))
        return visible


class CannedReply(Translated):
    title = models.CharField(_("title"), max_length=120, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=placeholders.help_text())
    locals().update(translations("title", _("title"), max_length=120))
    locals().update(translations("body", _("text")))
    scope = models.CharField(
        _("shared with"), max_length=10, choices=Scope.choices, default=Scope.PERSONAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        limit_choices_to={"is_staff": True},
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        help_text=_("For a team's replies: the staff group that uses them."),
    )
    uses = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    translated_fields = ("title", "body")
    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        permissions = [("manage_shared_replies", _("Can manage team and everyone's replies"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=Scope.PERSONAL, owner__isnull=False, group__isnull=True)
                    | Q(scope=Scope.TEAM, owner__isnull=True, group__isnull=False)
                    | Q(scope=Scope.EVERYONE, owner__isnull=True, group__isnull=True)
                ),
                name="canned_reply_scope_owner_group",
            )
        ]

    def __str__(self):
        return self.tr("title") or self.tr("body")[:60]

    def clean(self):
        super().clean()
        errors = {}
        for code in ALL:
            messages = placeholders.error_messages(self.version("body", code))
            if messages:
                errors[column("body", code)] = messages
        if not any(self.version("body", code) for code in ALL):
            errors.setdefault(column("body", "en"), []).append(
                _("Write the text in at least one language.")
            )
        if not any(self.version("title", code) for code in ALL):
            errors.setdefault(column("title", "en"), []).append(
                _("Give it a title in at least one language.")
            )
        if self.scope == Scope.TEAM and self.group_id is None:
            errors["group"] = [_("Choose the team that uses this reply.")]
        if self.scope != Scope.TEAM:
            self.group = None
        if self.scope != Scope.PERSONAL:
            self.owner = None
        if errors:
            raise ValidationError(errors)

    def body_language(self, language: str | None = None) -> str:
        """The language the body is read in for `language`, as `tr()` falls back."""
        for code in fallback_order(language):
            if self.version("body", code):
                return code
        return language or "en"


class Signature(Translated):
    """What an agent's public replies end with, per language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="canned_signature",
        limit_choices_to={"is_staff": True},
    )
    text = models.TextField(_("signature"), blank=True)
    locals().update(translations("text", _("signature")))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    translated_fields = ("text",)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        permissions = [("view_all_signatures", _("Can read every agent's signature"))]

    def __str__(self):
        return str(self.user)
