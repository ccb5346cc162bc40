"""Network measurements run through RIPE Atlas, their results, and each organisation's rules.

`Measurement.objects.visible_to(user, organisation=)` is the one scoping entry
point: a client reads the measurements shared with their organisation, those of
a ticket only while they may read the ticket, and those without a ticket when
they see the whole organisation or asked for it themselves. Internal ones are
staff's alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from core.choices import ChoiceLabels


class Kind(models.TextChoices):
    PING = "ping", _("Ping")
    TRACEROUTE = "traceroute", _("Traceroute")
    DNS = "dns", _("DNS")
    SSLCERT = "sslcert", _("SSL certificate")
    HTTP = "http", _("HTTP (to a RIPE Atlas anchor)")


class Status(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    TIMED_OUT = "timed_out", _("Stopped waiting")


WAITING = (Status.RUNNING,)


class OrganisationRules(models.Model):
    """What an organisation's clients may measure, and how much."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="diagnostics_rules",
        verbose_name=_("organisation"),
    )
    clients_may_run = models.BooleanField(_("clients may run measurements"), default=False)
    client_targets = models.TextField(
        _("targets of the organisation"),
        blank=True,
        help_text=_("Host names, addresses or networks its clients may measure, one per line."),
    )
    any_public_target = models.BooleanField(
        _("any public host name"),
        default=False,
        help_text=_("Clients may also measure public host names they type."),
    )
    daily_limit = models.PositiveIntegerField(_("measurements a day"), default=10)
    monthly_credits = models.PositiveIntegerField(_("Atlas credits a month"), default=10_000)

    class Meta:
        verbose_name = _("diagnostics rules")
        verbose_name_plural = _("diagnostics rules")

    def __str__(self):
        return str(self.organisation)


class MeasurementNumber(models.Model):
    """One row a year; incremented atomically to number measurements NET-YYYY-NNNNN."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class MeasurementQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        from tickets.models import Ticket

        readable_ticket = Q(ticket__in=Ticket.objects.visible_to(user))
        own = Q(ticket__isnull=True, requested_by=user)
        rule = Q(shared=True) & (
            (whole_organisation_q(user) & (Q(ticket__isnull=True) | readable_ticket))
            | (member_q(user) & (readable_ticket | own))
        )
        measurements = self.filter(rule)
        if organisation is not None:
            measurements = measurements.filter(organisation=organisation)
        return measurements


class Measurement(ChoiceLabels, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="measurements"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    target = models.CharField(_("target"), max_length=255, blank=True)
    af = models.PositiveSmallIntegerField(_("IP version"), default=4)
    options = models.JSONField(default=dict, blank=True)
    probes = models.JSONField(default=list)
    definition = models.JSONField(default=dict)
    shared = models.BooleanField(
        _("shared with the client"),
        default=True,
        help_text=_("Off: only staff see it (internal)."),
    )
    atlas_id = models.BigIntegerField(_("RIPE Atlas id"), unique=True)
    api_key_name = models.CharField(_("API key"), max_length=50)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    atlas_status = models.SmallIntegerField(null=True, blank=True)
    probes_requested = models.PositiveSmallIntegerField(default=0)
    credits_estimate = models.PositiveIntegerField(default=0)
    # A failure's reason, worded when shown (in the reader's language).
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    polls = models.PositiveIntegerField(default=0)
    last_result_at = models.BigIntegerField(null=True, blank=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [
            models.Index(fields=["organisation", "created_at"]),
            # The beat's sweep reads only what is still running.
            models.Index(
                fields=["next_poll_at"], name="diag_waiting", condition=Q(status="running")
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.get_kind_display()} {self.target}"

    def get_absolute_url(self):
        return reverse("diagnostics:detail", args=[self.number])

    @property
    def label(self) -> str:
        """What was measured: the target, or for DNS the name asked (and of which resolver)."""
        if self.kind == Kind.DNS:
            asked = (
                f"{self.options.get('query_argument', '')} {self.options.get('query_type', 'A')}"
            )
            return f"{asked} @ {self.target}" if self.target else asked
        return self.target


class MeasurementResult(models.Model):
    """One probe's result of one run: stored once, however often it is fetched."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="results")
    probe_id = models.PositiveIntegerField()
    timestamp = models.BigIntegerField()
    raw = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["timestamp", "probe_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "probe_id", "timestamp"], name="diag_result_once"
            )
        ]

    def __str__(self):
        return f"{self.measurement_id} probe {self.probe_id} at {self.timestamp}"


class Probe(models.Model):
    """What Atlas says of a probe (its country and network), kept for the pages."""

    id = models.PositiveIntegerField(primary_key=True)
    country = models.CharField(max_length=2, blank=True)
    asn_v4 = models.PositiveIntegerField(null=True, blank=True)
    asn_v6 = models.PositiveIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"probe {self.id} ({self.country})"
