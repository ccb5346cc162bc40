"""What we manage for each client: equipment, virtual machines, licences, certificates,
address blocks and domains.

`Resource.objects.visible_to(user, organisation=)` is the one scoping entry
point: every member of an organisation reads its resources (the equipment they
work with); prices are manager information, shown only where
`prices_visible(access)` says so. Internal notes are staff's alone and no
portal page or export reads them.
"""

import re

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from core.choices import ChoiceLabels

from . import attributes


class Kind(models.TextChoices):
    SWITCH = "switch", _("Switch")
    ROUTER = "router", _("Router")
    FIREWALL = "firewall", _("Firewall")
    ACCESS_POINT = "access_point", _("Access point")
    SERVER = "server", _("Server")
    VIRTUAL_MACHINE = "virtual_machine", _("Virtual machine")
    LICENCE = "licence", _("Licence")
    SSL_CERTIFICATE = "ssl_certificate", _("SSL certificate")
    IP_BLOCK = "ip_block", _("IP block")
    DOMAIN = "domain", _("Domain")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("In maintenance")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")


# The status changes the client hears of (feed and notifications).
ANNOUNCED = (Status.FAULTY, Status.MAINTENANCE, Status.RETIRED)


class Period(models.TextChoices):
    MONTHLY = "monthly", _("a month")
    YEARLY = "yearly", _("a year")
    ONE_OFF = "one_off", _("one-off")


# RES-2026-00001: the URL converter's, and what a form may name.
NUMBER_PATTERN = r"RES-[0-9]{4}-[0-9]{5,9}"


def is_number(value: str) -> bool:
    return bool(re.fullmatch(NUMBER_PATTERN, value))


class ResourceNumber(models.Model):
    """One row a year; incremented atomically to number resources RES-YYYY-NNNNN."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


def prices_visible(access) -> bool:
    """Prices are for the organisation's managers (and its partners), as contracts are."""
    return bool(access and access.sees_whole_organisation)


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        resources = self.filter(member_q(user) | whole_organisation_q(user))
        if organisation is not None:
            resources = resources.filter(organisation=organisation)
        return resources

    def expiring(self, within_days: int, today=None):
        """Not retired, with an expiry date no later than `within_days` from today (or past)."""
        today = today or timezone.localdate()
        return self.exclude(status=Status.RETIRED).filter(
            expires_on__isnull=False,
            expires_on__lte=today + timezone.timedelta(days=within_days),
        )


currency_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Enter a currency as its three-letter ISO code (EUR, USD, CLP…).")
)


class Resource(ChoiceLabels, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    site = models.CharField(_("location or site"), max_length=200, blank=True)
    service = models.ForeignKey(
        "contracts.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("service"),
    )
    price = models.DecimalField(
        _("rental price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: no rental price."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[currency_validator]
    )
    price_period = models.CharField(
        _("price period"), max_length=10, choices=Period.choices, blank=True
    )
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    asset_tag = models.CharField(_("asset tag"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Shown to the client."))
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Staff only: never shown to the client.")
    )
    details = models.JSONField(_("attributes"), default=dict, blank=True)
    # Read from `details` on save, for the filters and the daily expiry job.
    expires_on = models.DateField(_("expires on"), null=True, blank=True, editable=False)
    network = models.CharField(max_length=50, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind", "name", "pk"]
        verbose_name = _("managed resource")
        verbose_name_plural = _("managed resources")
        indexes = [
            models.Index(fields=["organisation", "kind", "name"], name="inventory_org_kind_name"),
            models.Index(
                fields=["expires_on"],
                name="inventory_expiring",
                condition=Q(expires_on__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "asset_tag"],
                condition=~Q(asset_tag=""),
                name="inventory_unique_asset_tag",
                violation_error_message=_("Another resource of this organisation has this tag."),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | (Q(price__gte=0) & ~Q(currency="")),
                name="inventory_priced_with_currency",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}" if self.number else self.name

    def get_absolute_url(self):
        return reverse("inventory:detail", args=[self.number])

    def refresh_derived(self):
        self.expires_on = attributes.expires_on(self.kind, self.details)
        self.network = self.details.get("cidr", "") if self.kind == Kind.IP_BLOCK else ""

    @property
    def attributes_shown(self):
        return attributes.shown(self.kind, self.details)

    def targets(self) -> list[str]:
        """Hosts and networks a network measurement may aim at (the diagnostics panel)."""
        return attributes.targets(self.kind, self.details)

    @property
    def monthly_price(self):
        if self.price is None or self.price_period == Period.ONE_OFF:
            return None
        return self.price / 12 if self.price_period == Period.YEARLY else self.price

    def days_left(self, today=None):
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days


class ResourceChange(models.Model):
    """One save of a resource: who, when, and each changed field's value before and after.

    Clients read only the rows that changed the status.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        default="admin",
        choices=[("admin", _("admin")), ("import", _("CSV import")), ("demo", _("demo"))],
    )
    fields = models.JSONField(_("changes"), default=dict)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(
                fields=["resource", "-at"],
                name="inventory_status_changes",
                condition=~Q(status_after=""),
            )
        ]

    def __str__(self):
        return f"{self.resource_id} {self.at:%Y-%m-%d %H:%M}"

    def get_status_before_display(self):
        return Status(self.status_before).label if self.status_before else ""

    def get_status_after_display(self):
        return Status(self.status_after).label if self.status_after else ""


class TicketResource(models.Model):
    """A resource a ticket concerns, named by the client or an agent."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="resource_links"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="ticket_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "resource"], name="inventory_ticket_once")
        ]

    def __str__(self):
        return f"{self.ticket_id} → {self.resource_id}"


class Threshold(models.TextChoices):
    DAYS_30 = "30", _("expires in 30 days")
    DAYS_7 = "7", _("expires in 7 days")
    EXPIRED = "expired", _("expired")


class ExpiryWarning(models.Model):
    """A warning sent: one per resource, threshold and expiry date (a renewal starts afresh)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="warnings")
    threshold = models.CharField(max_length=8, choices=Threshold.choices)
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "threshold", "expires_on"], name="inventory_warned_once"
            )
        ]

    def __str__(self):
        return f"{self.resource_id} {self.threshold} {self.expires_on}"
