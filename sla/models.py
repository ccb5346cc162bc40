from datetime import date, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TIMEZONE_CHOICES
from tickets.states import Priority, Status

from . import calendar as bt


def _default_pausing():
    return [Status.WAITING_ON_CLIENT, Status.WAITING_ON_THIRD_PARTY]


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=120)
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES)
    always_open = models.BooleanField(
        _("24x7"), default=False, help_text=_("Every hour of every day counts.")
    )
    country = models.CharField(
        _("holidays of country"), max_length=2, blank=True, help_text=_("ISO code, e.g. CL, ES.")
    )
    subdivision = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("e.g. MD for Madrid, RM for Santiago.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name

    def public_holidays(self, year: int) -> set[date]:
        if not self.country:
            return set()
        import holidays

        try:
            found = holidays.country_holidays(
                self.country, subdiv=self.subdivision or None, years=year
            )
        except NotImplementedError:
            # An unknown region must not cost the country's national holidays.
            try:
                found = holidays.country_holidays(self.country, years=year)
            except NotImplementedError:
                return set()
        return set(found)

    def build(self) -> bt.BusinessCalendar:
        """The pure calendar used for arithmetic (see sla/calendar.py)."""
        week: dict[int, list[tuple[int, int]]] = {}
        for hours in self.hours.all():
            week.setdefault(hours.weekday, []).append((hours.start_minute, hours.end_minute))
        own = set(self.holidays.values_list("date", flat=True))
        years: dict[int, set[date]] = {}

        def is_holiday(day: date) -> bool:
            if day in own:
                return True
            if day.year not in years:
                years[day.year] = self.public_holidays(day.year)
            return day in years[day.year]

        return bt.BusinessCalendar.build(
            self.timezone,
            bt.ALWAYS if self.always_open else week,
            is_holiday=is_holiday,
            always_open=self.always_open,
        )


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def start_minute(self):
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self):
        minutes = self.end.hour * 60 + self.end.minute
        return minutes or bt.MINUTES_PER_DAY


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique")]

    def __str__(self):
        return f"{self.date} {self.name}"


class SLAPolicy(models.Model):
    name = models.CharField(_("name"), max_length=120)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    pausing_statuses = ArrayField(
        models.CharField(max_length=24, choices=Status.choices),
        verbose_name=_("statuses that pause the clock"),
        default=_default_pausing,
        blank=True,
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the target elapsed)"),
        default=80,
        help_text=_("Used when no minutes before the deadline are set."),
    )
    warning_minutes = models.PositiveIntegerField(
        _("warn this many business minutes before the deadline"), null=True, blank=True
    )
    is_global_default = models.BooleanField(
        _("global default"),
        default=False,
        help_text=_("Used for organisations without a contract or a default policy."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_global_default"],
                condition=Q(is_global_default=True),
                name="one_global_default_policy",
            )
        ]

    def __str__(self):
        return self.name

    def warning_budget(self, target: timedelta) -> timedelta:
        """How much of the target may pass before the warning."""
        if self.warning_minutes:
            return max(target - timedelta(minutes=self.warning_minutes), timedelta(0))
        return target * self.warning_percent / 100


class SLATarget(models.Model):
    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    acknowledgement_minutes = models.PositiveIntegerField(_("acknowledgement (minutes)"))
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self):
        return f"{self.policy} / {self.get_priority_display()}"

    def minutes(self, kind: str) -> int:
        return getattr(self, f"{kind}_minutes")


class OrganisationPolicy(models.Model):
    """An organisation's default policy, used when no contract names one."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="sla_default"
    )
    policy = models.ForeignKey(SLAPolicy, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("organisation default policy")
        verbose_name_plural = _("organisation default policies")

    def __str__(self):
        return f"{self.organisation}: {self.policy}"


class Kind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class ClockQuerySet(models.QuerySet):
    def running(self):
        return self.filter(running_since__isnull=False)


class TicketClock(models.Model):
    """One SLA target of one ticket, in business time.

    `elapsed` is the business time used before `running_since`; while running,
    `due_at` and `warn_at` are stored (indexed) so that lists and the sweep
    never compute a deadline per row. Paused, met or stopped clocks have none.
    Reopening a resolved ticket resumes its resolution clock from `elapsed`:
    the time it spent resolved does not count.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="clocks")
    policy = models.ForeignKey(SLAPolicy, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("target"), max_length=20, choices=Kind.choices)
    target = models.DurationField(_("target"))
    elapsed = models.DurationField(default=timedelta(0))
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "kind"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="one_clock_per_target"),
        ]
        indexes = [
            # What the sweep reads: only clocks still due a warning or a breach.
            models.Index(
                fields=["warn_at"],
                condition=Q(warned_at__isnull=True, running_since__isnull=False),
                name="clock_warning_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(breached_at__isnull=True, running_since__isnull=False),
                name="clock_breach_due",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"
