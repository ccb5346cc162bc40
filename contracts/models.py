from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from accounts.configtext import Translated, translations


def _portal_user(user) -> bool:
    # Staff read contracts and services in the admin; the portal is the client's view.
    return user.is_authenticated and user.is_active and not user.is_staff


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        """The scoping entry point for services: those of the organisations `user`
        acts for (a member picks them on a new ticket), of `organisation` if given."""
        if not _portal_user(user):
            return self.none()
        services = self.filter(member_q(user) | whole_organisation_q(user))
        return services if organisation is None else services.filter(organisation=organisation)

    def active(self):
        return self.filter(status=Service.Status.ACTIVE)


class Service(Translated):
    """A service the organisation subscribes to (an internet link, a managed firewall...)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    identifier = models.CharField(
        _("identifier"), max_length=200, blank=True, help_text=_("Circuit id, contract line...")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    locals().update(translations("name", _("name"), max_length=200))
    locals().update(translations("kind", _("kind"), max_length=100))

    translated_fields = ("name", "kind")

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        name = self.tr("name")
        return f"{name} ({self.identifier})" if self.identifier else name


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        """The scoping entry point for contracts, of `organisation` if given.

        Contracts carry hours and prices, which are manager information:
        managers and partners (for their assigned clients) see their
        organisations' contracts; plain members see none. Bank periods, time
        entries and objectives are read through a visible contract.
        """
        if not _portal_user(user):
            return self.none()
        contracts = self.filter(whole_organisation_q(user))
        return contracts if organisation is None else contracts.filter(organisation=organisation)

    def active_on(self, day):
        return self.filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day), start_date__lte=day
        )


class BankKind(models.TextChoices):
    NONE = "none", _("No hours bank")
    MONTHLY = "monthly", _("Hours per month")
    YEARLY = "yearly", _("Hours per year")
    ONE_OFF = "one_off", _("One-off bank of hours")


class Contract(models.Model):
    """What the organisation bought: the SLA policy its tickets follow, an hours bank."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="contracts"
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    sla_policy = models.ForeignKey(
        "sla.SLAPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    bank_kind = models.CharField(
        _("hours bank"), max_length=10, choices=BankKind.choices, default=BankKind.NONE
    )
    bank_hours = models.DecimalField(
        _("hours in the bank"),
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text=_("Per period for monthly and yearly banks; in total for a one-off bank."),
    )
    carry_over = models.BooleanField(
        _("carry unused hours over"),
        default=False,
        help_text=_("Unused hours of a period move to the next, up to the cap."),
    )
    carry_over_cap_hours = models.DecimalField(
        _("carry-over cap (hours)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    extra_hour_price = models.DecimalField(
        _("price of an extra hour"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self):
        return self.name


class BankPeriod(models.Model):
    """One period of a contract's hours bank, with its running total.

    `used_minutes` only changes through an UPDATE ... SET used = used + n on
    this row (contracts/services.py), so concurrent entries never lose one.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("from"))
    end = models.DateField(_("until (exclusive)"))
    allowance_minutes = models.PositiveIntegerField(_("allowance (minutes)"))
    carried_minutes = models.PositiveIntegerField(_("carried over (minutes)"), default=0)
    used_minutes = models.PositiveIntegerField(_("used (minutes)"), default=0)
    warned_80_at = models.DateTimeField(null=True, blank=True)
    warned_100_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "-start"]
        verbose_name = _("hours bank period")
        verbose_name_plural = _("hours bank periods")
        constraints = [
            models.UniqueConstraint(fields=["contract", "start"], name="one_period_per_start"),
        ]

    def __str__(self):
        return f"{self.contract} {self.start}..{self.end}"

    @property
    def overage_minutes(self) -> int:
        return max(self.used_minutes - self.allowance_minutes, 0)

    @property
    def available_minutes(self) -> int:
        return max(self.allowance_minutes - self.used_minutes, 0)

    @property
    def used_percent(self) -> int:
        if not self.allowance_minutes:
            return 100 if self.used_minutes else 0
        return round(100 * self.used_minutes / self.allowance_minutes)


class TimeEntryQuerySet(models.QuerySet):
    def billable(self):
        return self.filter(billable=True)


class TimeEntry(models.Model):
    """Time an agent spent on a ticket; billable entries count against the bank."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="time_entries"
    )
    period = models.ForeignKey(
        BankPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    performed_at = models.DateTimeField(_("when"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    description = models.TextField(_("what was done"))
    billable = models.BooleanField(_("billable"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_at", "-pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["period", "-performed_at"]),
            models.Index(fields=["ticket", "-performed_at"]),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.minutes} min"


class PeriodTicket(models.Model):
    """A ticket's time in one bank period, kept with its entries by contracts/services.py.

    The contract page lists a period's tickets by their hours and counts its
    entries from these rows, as many as the period's tickets however many
    entries they hold, instead of summing every entry at each request. Not
    shown on its own, so not in the admin; services.recount_ticket_totals
    rebuilds a period's rows from its entries.
    """

    period = models.ForeignKey(BankPeriod, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    billable_minutes = models.PositiveIntegerField(default=0)
    other_minutes = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    # The latest change to its entries: the contract page's live version reads it.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "ticket"], name="one_total_per_ticket"),
        ]
        indexes = [
            models.Index(
                fields=["period", "-billable_minutes", "-other_minutes"],
                name="period_ticket_hours",
            ),
        ]

    def __str__(self):
        return f"{self.period_id}/{self.ticket_id}: {self.entries} entries"


class TimeEntryRevision(models.Model):
    """The entry as it was before a change: time entries keep their history."""

    entry = models.ForeignKey(TimeEntry, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    performed_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    description = models.TextField()
    billable = models.BooleanField()

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("time entry revision")
        verbose_name_plural = _("time entry revisions")

    def __str__(self):
        return f"{self.entry_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class Objective(models.Model):
    """A deliverable of an objectives-based contract, followed through its tickets."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="objectives")
    manual_progress = models.PositiveSmallIntegerField(
        _("progress set by hand (%)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow the linked tickets."),
    )
    manual_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["contract", "order", "due_date"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return self.title
