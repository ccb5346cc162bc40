import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    FRENCH = "fr", _("French")


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MANAGER = "manager", _("Manager")


# A partner user acts for a client organisation without being one of its
# members; it is not a Membership role but it is how the portal sees them.
PARTNER = "partner"


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """The organisations a portal user may act for: the one scoping entry point."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        member = Membership.objects.filter(organisation=OuterRef("pk"), user=user, is_active=True)
        assigned = PartnerAssignment.objects.filter(
            organisation=OuterRef("pk"), partner_id=user.partner_id, partner__is_active=True
        )
        condition = Exists(member)
        if user.partner_id:
            condition |= Exists(assigned)
        return self.active().filter(condition)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. CL"))
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    default_language = models.CharField(
        _("default language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)
    # Set by the organisation's managers: then nobody acts for it without a
    # second factor (accounts/second_factor.py).
    require_second_factor = models.BooleanField(_("two-step verification required"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254)
    display_name = models.CharField(_("display name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    partner = models.ForeignKey(
        "Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Set for people who work for a partner on behalf of its clients."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Support staff: works in the admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


def _managed_by(user):
    """The organisations `user` manages: the team page is theirs only."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    return Membership.objects.filter(
        user=user, is_active=True, role=Role.MANAGER, organisation__is_active=True
    ).values("organisation_id")


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        """The scoping entry point for memberships: those of the organisations
        `user` manages (the team page), of `organisation` if given. Members and
        partners see none."""
        managed = _managed_by(user)
        if managed is None:
            return self.none()
        memberships = self.filter(organisation__in=managed)
        return (
            memberships if organisation is None else memberships.filter(organisation=organisation)
        )


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Partner(models.Model):
    """A company that works for several client organisations (an IT partner)."""

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    organisations = models.ManyToManyField(
        Organisation, through="PartnerAssignment", related_name="partners", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name


class PartnerAssignment(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_assignments"
    )
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)

    class Meta:
        verbose_name = _("partner assignment")
        verbose_name_plural = _("partner assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "organisation"], name="partner_assignment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.partner} → {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        """The scoping entry point for invitations: as for memberships, those of
        the organisations `user` manages, of `organisation` if given. The link in
        an invitation e-mail is its own proof and is not scoped by user."""
        managed = _managed_by(user)
        if managed is None:
            return self.none()
        invitations = self.filter(organisation__in=managed)
        return (
            invitations if organisation is None else invitations.filter(organisation=organisation)
        )

    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=dj_timezone.now()
        )


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self):
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > dj_timezone.now()
        )


class SignInSession(models.Model):
    """A browser signed in as a user: what the session list shows and ends.

    Django's sessions cannot be listed by user; this row is written at sign-in,
    touched at most once a minute while the session is used, and deleted with it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signin_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=dj_timezone.now)
    last_seen_at = models.DateTimeField(_("last active"), default=dj_timezone.now)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class SecurityKey(models.Model):
    """A security key or passkey (WebAuthn credential): a second factor, never a password.

    Only the public half is kept; `sign_count` is the authenticator's own counter,
    which must go up between uses when it counts at all (a copied key would not).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    name = models.CharField(_("name"), max_length=60)
    # base64url, as browsers send it: the key's handle, looked up at each use.
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("added"), default=dj_timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")

    def __str__(self):
        return self.name

    @property
    def persistent_id(self) -> str:
        # What a verified session records, in django-otp's form for its own devices.
        return f"accounts.securitykey/{self.pk}"
