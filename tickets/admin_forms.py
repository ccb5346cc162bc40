"""Forms of the agents' ticket workspace in the admin.

They validate only. What a form asks for is done by tickets/admin.py through
the services, which stay the one authority on what may change.
"""

import re
from datetime import timedelta

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from core.uploads import clean_uploads

from . import states
from .models import RecurringTicket, Ticket
from .states import Actor, Status

# The states' labels are written for the client ("Waiting on you"); agents read
# the same statuses from the other side of the desk.
AGENT_STATUS_LABELS = {Status.WAITING_ON_CLIENT: _("Waiting on the client")}


def agent_status_label(status: str) -> str:
    return AGENT_STATUS_LABELS.get(status) or Status(status).label


AGENT_STATUS_CHOICES = [(value, agent_status_label(value)) for value in Status.values]

# What the agent changed is what differs from the page they saw, not from the
# database now: a colleague's change made meanwhile is not undone by a stale form.
WORK_FIELDS = ("status", "priority", "assignee")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, cleaned by tickets.attachments into CleanUpload values."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = []
        for upload in data if isinstance(data, list | tuple) else [data]:
            if upload:
                files.append(super().clean(upload, initial))
                # A save the services refused validates the same upload again.
                upload.seek(0)
        return clean_uploads(files)


# --- Time spent ------------------------------------------------------------
#
# Durations are typed the way agents say them: "90", "90m", "1:30", "1h30",
# "1h 30m", "2h" or "1.5h". The ticket's Log time panel and the time entry admin
# (contracts/admin/time_entries.py) share the field; contracts.services validates the entry.

_MINUTES = re.compile(r"(\d+)\s*(?:m|min)?")
_HOURS_MINUTES = re.compile(r"(\d+)\s*(?::\s*(\d\d)|h\s*(?:(\d{1,2})\s*(?:m|min)?)?)")
_DECIMAL_HOURS = re.compile(r"(\d+)[.,](\d{1,2})\s*h")
# The "when" of a time entry is prefilled when the page is shown; a clock a
# little ahead of the server's must not make it "in the future".
FUTURE_TOLERANCE = timedelta(minutes=5)


def parse_duration(text: str) -> int | None:
    """Minutes in `text`, or None when it does not read as a duration."""
    text = text.strip().lower()
    if match := _MINUTES.fullmatch(text):
        return int(match[1])
    if match := _HOURS_MINUTES.fullmatch(text):
        minutes = int(match[2] or match[3] or 0)
        return int(match[1]) * 60 + minutes if minutes < 60 else None
    if match := _DECIMAL_HOURS.fullmatch(text):
        return round(float(f"{match[1]}.{match[2]}") * 60)
    return None


def format_minutes(minutes: int) -> str:
    """90 -> "1:30" (hours and minutes)."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def now_to_the_minute():
    return timezone.now().replace(second=0, microsecond=0)


class DurationField(forms.Field):
    """A duration typed as minutes or hours and minutes; cleaned to whole minutes."""

    widget = forms.TextInput(attrs={"size": 8})
    default_error_messages = {
        "invalid": _("Write minutes (90) or hours and minutes (1:30 or 1h30)."),
        "range": _("A time entry lasts between 1 minute and 24 hours."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        minutes = parse_duration(str(value))
        if minutes is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return minutes

    def validate(self, value):
        super().validate(value)
        if value is not None and not 0 < value <= MAX_ENTRY_MINUTES:
            raise ValidationError(self.error_messages["range"], code="range")

    def prepare_value(self, value):
        return format_minutes(value) if isinstance(value, int) else value


class MinuteSplitDateTime(AdminSplitDateTime):
    """The admin's date and time pickers, the time shown to the minute."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M"
        # One <label> points at the date input only: each input says what it is.
        self.widgets[0].attrs["aria-label"] = _("Date")
        self.widgets[1].attrs["aria-label"] = _("Time")


def check_not_in_the_future(moment):
    if moment is not None and moment > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(_("Time is logged for work already done: this is in the future."))


def when_help_text() -> str:
    return _("In your time zone (%(zone)s).") % {"zone": timezone.get_current_timezone_name()}


LOG_TIME_FIELDS = ("log_minutes", "log_performed_at", "log_description", "log_billable")


class TicketWorkForm(forms.ModelForm):
    """Status, priority and assignee, a reply, an internal note and time spent, on one page."""

    reply = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "ticket-composer__text"}),
        help_text=_("Sent to the client and everyone following the ticket."),
    )
    reply_files = MultipleFileField(label=_("Attachments"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ticket-composer__text"}),
        help_text=_("Only support staff see it."),
    )
    note_files = MultipleFileField(label=_("Attachments"))
    seen = forms.CharField(required=False, widget=forms.HiddenInput)
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

    class Meta:
        model = Ticket
        fields = list(WORK_FIELDS)

    # Set by TicketAdmin.get_form when the services refused the first attempt
    # at saving this very submission: (field name or None, ValidationError).
    refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ticket = self.instance
        if "status" in self.fields:
            field = self.fields["status"]
            # Any status is accepted here and the service judges the move (with
            # its own message); the select offers only the moves states.py allows.
            field.choices = AGENT_STATUS_CHOICES
            offered = {ticket.status, *states.allowed_targets(ticket.status, Actor.AGENT)}
            field.widget.choices = [c for c in AGENT_STATUS_CHOICES if c[0] in offered]
        if "assignee" in self.fields:
            field = self.fields["assignee"]
            field.queryset = (
                get_user_model()
                .objects.filter(is_staff=True, is_active=True)
                .order_by("display_name", "email")
            )
            field.empty_label = _("Nobody")
        self.fields["seen"].initial = self.seen_value(ticket)
        if "log_performed_at" in self.fields:
            self.fields["log_performed_at"].help_text = when_help_text()

    def _post_clean(self):
        # The model validates the posted values, then the instance goes back to
        # what the database holds: the services make the changes, and a page shown
        # again with errors must not present an unsaved status as the current one.
        attnames = [self.instance._meta.get_field(name).attname for name in WORK_FIELDS]
        held = {attname: getattr(self.instance, attname) for attname in attnames}
        super()._post_clean()
        for attname, value in held.items():
            setattr(self.instance, attname, value)

    @staticmethod
    def seen_value(ticket) -> str:
        return "|".join([ticket.status, ticket.priority, str(ticket.assignee_id or "")])

    def touched(self, name: str) -> bool:
        """Did the agent change this work field on the page they were shown?"""
        if name not in self.fields:
            return False
        seen = self.cleaned_data.get("seen", "").split("|")
        if len(seen) != len(WORK_FIELDS):
            return name in self.changed_data
        shown = dict(zip(WORK_FIELDS, seen, strict=True))[name]
        value = self.cleaned_data.get(name)
        if name == "assignee":
            value = value.pk if value else ""
        return str(value) != shown

    def clean(self):
        cleaned = super().clean()
        writes = any(cleaned.get(name) for name in ("reply", "reply_files", "note", "note_files"))
        if writes and self.instance.merged_into_id:
            raise ValidationError(
                _("This ticket was merged into %(number)s: write there.")
                % {"number": self.instance.merged_into.number}
            )
        self._clean_time_log(cleaned)
        if self.refusal:
            field, error = self.refusal
            self.add_error(field if field in self.fields else None, error)
        return cleaned

    def _clean_time_log(self, cleaned):
        if "log_minutes" not in self.fields or "log_minutes" in self.errors:
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


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Surviving ticket number"),
        max_length=20,
        help_text=_("A ticket of the same organisation, e.g. TKT-2026-00042."),
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = list(sources)

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper()
        target = Ticket.objects.filter(number=number).select_related("organisation").first()
        if target is None:
            raise ValidationError(_("There is no ticket %(number)s.") % {"number": number})
        if any(source.pk == target.pk for source in self.sources):
            raise ValidationError(_("Choose a ticket other than the ones being merged."))
        if any(source.organisation_id != target.organisation_id for source in self.sources):
            raise ValidationError(_("Only tickets of the same organisation can be merged."))
        return target


class RecurringTicketForm(forms.ModelForm):
    class Meta:
        model = RecurringTicket
        fields = [
            "organisation",
            "requester",
            "subject",
            "description",
            "request_type",
            "category",
            "priority",
            "frequency",
            "start_date",
            "time",
            "weekday",
            "day_of_month",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        organisation, requester = cleaned.get("organisation"), cleaned.get("requester")
        if (
            organisation
            and requester
            and not Membership.objects.filter(
                organisation=organisation, user=requester, is_active=True
            ).exists()
        ):
            self.add_error(
                "requester", _("The requester must be an active member of the organisation.")
            )
        frequency = cleaned.get("frequency")
        if frequency == RecurringTicket.Frequency.WEEKLY:
            weekday = cleaned.get("weekday")
            if weekday is None or weekday > 6:
                self.add_error("weekday", _("A weekly ticket needs a weekday from 0 to 6."))
        elif frequency:
            day = cleaned.get("day_of_month")
            if day is None or not 1 <= day <= 31:
                self.add_error(
                    "day_of_month", _("A monthly or quarterly ticket needs a day from 1 to 31.")
                )
        return cleaned
