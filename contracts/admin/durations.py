"""Time spent as agents type and read it, in the time entry admin and on the ticket page.

Durations are typed the way agents say them: "90", "90m", "1:30", "1h30",
"1h 30m", "2h" or "1.5h". The ticket's Log time panel (ticket_time.py) and the
time entry admin (time_entries.py) share the field; contracts.services
validates the entry.
"""

import re
from datetime import timedelta

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..services import MAX_ENTRY_MINUTES

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
