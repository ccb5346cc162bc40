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

from . import mentions, states
from .models import RecurringTicket, Ticket
from .states import Actor, Status

# The states' labels are written for the client ("Waiting on you"); agents read
# the same statuses from the other side of the desk.
AGENT_STATUS_LABELS = {Status.WAITING_ON_CLIENT: _("Waiting on the client")}


def agent_status_label(status: str) -> str:
    return AGENT_STATUS_LABELS.get(status) or Status(status).label


AGENT_STATUS_CHOICES = [(value, agent_status_label(value)) for value in Status.values]


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
    """The ticket page's own admin form: what the apps above tickets join to it.

    The agent's actions (reply, internal note, status, priority, assignee) are
    each a small form of their own (ReplyForm, NoteForm, WorkForm, posted by
    tickets/admin/workspace.py), so that nothing typed in one is lost to an
    error in another. What stays here is saved by the page's Save button: the
    parts' fields (the time spent, contracts/admin/ticket_time.py) and the
    client tasks.
    """

    class Meta:
        model = Ticket
        fields = []

    # Set by TicketAdmin.get_form when the services refused the first attempt
    # at saving this very submission: (field name or None, ValidationError).
    refusal = None

    def clean(self):
        cleaned = super().clean()
        if self.refusal:
            field, error = self.refusal
            self.add_error(field if field in self.fields else None, error)
        return cleaned


class SeenForm(forms.Form):
    """An action form that knows which of the ticket's events its page had shown.

    `seen` is the id of the newest event of the ticket when the page (or the
    form, after an action) was drawn: a change by anyone else after it means
    the agent acts on a page that no longer tells the truth
    (tickets/admin/workspace.py refuses it once and shows what changed).
    """

    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def clean_seen(self) -> int:
        # An unreadable mark means the page saw nothing: every change by someone
        # else is shown before the action goes ahead, never silently skipped.
        value = self.cleaned_data.get("seen") or ""
        return int(value) if value.isdecimal() else 0


class ReplyForm(SeenForm):
    """A public reply, and the status the ticket takes after it."""

    reply = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "ticket-composer__text"}),
        help_text=_("Sent to the client and everyone following the ticket."),
    )
    reply_files = MultipleFileField(label=_("Attachments"))
    then = forms.ChoiceField(label=_("Then"), required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        # The moves an agent's reply may end with; the service judges the move itself.
        offered = [
            s
            for s in (Status.WAITING_ON_CLIENT, Status.IN_PROGRESS, Status.RESOLVED)
            if s != ticket.status
        ]
        self.fields["then"].choices = [
            ("", _("Keep the status")),
            *((s, agent_status_label(s)) for s in offered),
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("reply", "").strip() and not cleaned.get("reply_files"):
            raise ValidationError(_("Write a message or attach a file."))
        return cleaned


class NoteForm(SeenForm):
    """An internal note; @name mentions a colleague, who is told."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ticket-composer__text"}),
        help_text=_("Only support staff see it. Write @ and a colleague's name to tell them."),
    )
    note_files = MultipleFileField(label=_("Attachments"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("note", "").strip() and not cleaned.get("note_files"):
            raise ValidationError(_("Write a note or attach a file."))
        cleaned["mentioned"] = mentions.find(cleaned.get("note", ""))
        unknown = [m for m in cleaned["mentioned"] if isinstance(m, str)]
        if unknown:
            raise ValidationError(
                _("Nobody on the support staff is called %(names)s.")
                % {"names": ", ".join(f"@{name}" for name in unknown)}
            )
        return cleaned


class WorkForm(SeenForm):
    """Status, priority and assignee: each changed one goes through its service."""

    status = forms.ChoiceField(label=_("status"), choices=AGENT_STATUS_CHOICES)
    priority = forms.ChoiceField(label=_("priority"))
    assignee = forms.ModelChoiceField(label=_("assigned to"), queryset=None, required=False)

    def __init__(self, *args, ticket, **kwargs):
        kwargs.setdefault(
            "initial",
            {"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id},
        )
        super().__init__(*args, ticket=ticket, **kwargs)
        # Any status is accepted here and the service judges the move (with its
        # own message); the select offers only the moves states.py allows.
        offered = {ticket.status, *states.allowed_targets(ticket.status, Actor.AGENT)}
        self.fields["status"].widget.choices = [c for c in AGENT_STATUS_CHOICES if c[0] in offered]
        self.fields["priority"].choices = Ticket._meta.get_field("priority").choices
        assignee = self.fields["assignee"]
        assignee.queryset = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .order_by("display_name", "email")
        )
        assignee.empty_label = _("Nobody")

    def changes(self) -> dict:
        """What the agent changed, against the ticket as it is now."""
        data, ticket = self.cleaned_data, self.ticket
        changed = {}
        if data["status"] != ticket.status:
            changed["status"] = data["status"]
        if data["priority"] != ticket.priority:
            changed["priority"] = data["priority"]
        assignee = data.get("assignee")
        if (assignee.pk if assignee else None) != ticket.assignee_id:
            changed["assignee"] = assignee
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
