from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import feed

BAD_DATE = _("Enter a real date, like 2025-03-31.")
# The feed's dates become time-zone-aware midnights and the day after: far-off
# years overflow, and no event is that old or that new anyway.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _out_of_range() -> str:
    # Worded when shown, so the dates are written in the reader's locale.
    return gettext("Choose a date between %(first)s and %(last)s.") % {
        "first": date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
        "last": date_format(LAST_DAY, "SHORT_DATE_FORMAT"),
    }


OUT_OF_RANGE = lazy(_out_of_range, str)()
IN_RANGE = [
    MinValueValidator(FIRST_DAY, message=OUT_OF_RANGE),
    MaxValueValidator(LAST_DAY, message=OUT_OF_RANGE),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # The browser's date picker sends ISO dates whatever the page's language.
        super().__init__(format="%Y-%m-%d", **kwargs)


class FeedFilterForm(forms.Form):
    """The feed's filters and its position: what to show, from when, how far back."""

    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        error_messages={"invalid_choice": _("Choose what to show from the list.")},
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=IN_RANGE,
        error_messages={"invalid": BAD_DATE},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=IN_RANGE,
        error_messages={"invalid": BAD_DATE},
    )
    # The older page's position, carried by the "Older" link.
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All activity"))] + [
            (kind.key, kind.label) for kind in kinds
        ]

    def clean_before(self):
        value = self.cleaned_data["before"]
        if not value:
            return None
        try:
            return feed.parse_cursor(value)
        except ValueError as error:
            raise ValidationError(
                _("This link to older activity is not valid. Start again from the latest."),
                code="cursor",
            ) from error

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(
                _("The start date is after the end date. Swap them or change one."),
                code="range",
            )
        return data
