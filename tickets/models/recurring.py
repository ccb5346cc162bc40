"""Tickets opened on a calendar."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import Priority
from .catalogue import Category, RequestType
from .ticket import Ticket


class RecurringTicket(models.Model):
    """A template that opens the same ticket every week, month or quarter."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="recurring_tickets"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_type = models.ForeignKey(RequestType, on_delete=models.PROTECT, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    start_date = models.DateField(_("start date"))
    time = models.TimeField(_("time of day"))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, help_text=_("0 = Monday. Weekly only.")
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of month"),
        null=True,
        blank=True,
        help_text=_("1-31; a shorter month uses its last day. Monthly and quarterly."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recurring ticket")
        verbose_name_plural = _("recurring tickets")

    def __str__(self):
        return f"{self.subject} ({self.get_frequency_display()})"


class RecurringRun(models.Model):
    """One row per template and period: the unique constraint is what makes it exactly once."""

    template = models.ForeignKey(RecurringTicket, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=20)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "period"], name="recurring_run_once"),
        ]

    def __str__(self):
        return f"{self.template_id} {self.period}"
