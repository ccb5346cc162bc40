"""The time spent on the agents' ticket page: its entries, the hours bank, the Log time panel.

A part of the ticket page (tickets/parts.py), added in contracts.apps: the Log
time fields join the ticket's form, and a duration typed there is logged by
contracts.services.time_entry_add in the same save as the reply and the status.
The client's contract card in the page's side column is context_card.py's.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.admin import change_url
from tickets.parts import Panel, TicketPart

from .. import services
from ..models import BankPeriod
from .context_card import contract_card
from .durations import (
    DurationField,
    MinuteSplitDateTime,
    check_not_in_the_future,
    format_minutes,
    now_to_the_minute,
    when_help_text,
)

LOG_TIME_FIELDS = ("log_minutes", "log_performed_at", "log_description", "log_billable")
LOG_TIME = "ticket-time-log"  # the class of the Log time fieldset


class TimeLogForm(forms.Form):
    """The Log time fields of the ticket's form (joined to tickets.admin_forms.TicketWorkForm)."""

    # Logged by contracts.services.time_entry_add when a duration is given.
    log_minutes = DurationField(
        label=_("Time spent"),
        required=False,
        help_text=_("Minutes (90) or hours and minutes (1:30, 1h30)."),
    )
    log_performed_at = forms.SplitDateTimeField(
        label=_("When"), required=False, initial=now_to_the_minute, widget=MinuteSplitDateTime
    )
    log_billable = forms.BooleanField(
        label=_("Billable"),
        required=False,
        initial=True,
        help_text=_("Counts against the client's hours bank."),
    )
    log_description = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ticket-composer__text"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["log_performed_at"].help_text = when_help_text()

    def clean(self):
        self._clean_time_log(self.cleaned_data)
        return super().clean()

    def _clean_time_log(self, cleaned):
        if "log_minutes" in self.errors:
            return
        minutes = cleaned.get("log_minutes")
        described = (cleaned.get("log_description") or "").strip()
        if minutes and not described:
            self.add_error("log_description", _("Say what was done."))
        elif described and not minutes:
            self.add_error("log_minutes", _("How long did it take?"))
        if minutes:
            try:
                check_not_in_the_future(cleaned.get("log_performed_at"))
            except ValidationError as error:
                self.add_error("log_performed_at", error)

    @property
    def logs_time(self) -> bool:
        return bool(self.cleaned_data.get("log_minutes"))

    @cached_property
    def changed_data(self):
        # The Log time panel is prefilled (now, billable): untouched unless a
        # duration was typed, whatever the clock says since the page was shown.
        changed = super().changed_data
        if "log_minutes" not in changed:
            changed = [name for name in changed if name not in LOG_TIME_FIELDS]
        return changed


class TicketTime(TicketPart):
    key = "contracts.time"

    def ticket_form(self, request, ticket):
        return TimeLogForm if self._may_log(request) else None

    def ticket_fieldsets(self, request, ticket) -> list:
        if not self._may_log(request):
            return []
        fields = ["log_minutes", "log_description", "log_performed_at", "log_billable"]
        return [(_("Log time"), {"fields": fields, "classes": [LOG_TIME]})]

    def save(self, request, ticket, form) -> None:
        if not getattr(form, "logs_time", False):
            return
        data = form.cleaned_data
        try:
            services.time_entry_add(
                ticket=ticket,
                agent=request.user,
                minutes=data["log_minutes"],
                description=data["log_description"],
                billable=data["log_billable"],
                performed_at=data.get("log_performed_at"),
            )
        except ValidationError as error:
            raise ValidationError({"log_minutes": error}) from error

    def ticket_panels(self, request, ticket) -> list[Panel]:
        if not request.user.has_perm("contracts.view_timeentry"):
            return []
        # Just before the Log time panel, or before the history for staff who
        # may only look (tickets puts it there when Log time is not shown).
        log = self._log(request, ticket)
        return [Panel("time_log", "admin/contracts/ticket_time.html", log, before=LOG_TIME)]

    def context_card(self, request, ticket) -> Panel | None:
        return contract_card(request, ticket)

    @staticmethod
    def _may_log(request) -> bool:
        return request.user.has_perm("contracts.add_timeentry")

    def _log(self, request, ticket) -> dict:
        """The ticket's time entries for templates/admin/contracts/ticket_time.html."""
        entries = list(ticket.time_entries.select_related("agent"))
        may_change = request.user.has_perm("contracts.change_timeentry")
        # Asked once for the list, and only when a colleague's entry needs it.
        others = may_change and any(e.agent_id != request.user.pk for e in entries)
        supervisor = others and services.is_supervisor(request.user)
        rows = [
            {
                "entry": entry,
                "duration": format_minutes(entry.minutes),
                "edit_url": (
                    change_url(entry)
                    if may_change and services.can_edit(entry, request.user, supervisor=supervisor)
                    else None
                ),
            }
            for entry in entries
        ]
        return {
            "rows": rows,
            "total": format_minutes(sum(e.minutes for e in entries)),
            "billable": format_minutes(sum(e.minutes for e in entries if e.billable)),
            "bank": _bank_summary(ticket.organisation),
        }


def _bank_summary(organisation):
    """The organisation's hours bank this period, read without creating the period."""
    today = services.local_date(organisation, timezone.now())
    contract = services.bank_contract_for(organisation, today)
    if contract is None:
        return None
    period = BankPeriod.objects.filter(contract=contract, start__lte=today, end__gt=today).first()
    if period is None:
        return {"contract": contract, "period": None}
    return {
        "contract": contract,
        "period": period,
        "used": format_minutes(period.used_minutes),
        "allowance": format_minutes(period.allowance_minutes),
        "overage": format_minutes(period.overage_minutes) if period.overage_minutes else None,
    }
