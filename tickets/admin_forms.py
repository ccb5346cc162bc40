"""Forms of the agents' ticket workspace in the admin.

They validate only. What a form asks for is done by tickets/admin.py through
the services, which stay the one authority on what may change.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
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


class TicketWorkForm(forms.ModelForm):
    """Status, priority and assignee, a reply and an internal note, on one page.

    The apps above tickets join their own fields to it (tickets/parts.py: the
    time spent, contracts/admin/ticket_time.py).
    """

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
        if self.refusal:
            field, error = self.refusal
            self.add_error(field if field in self.fields else None, error)
        return cleaned


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
