"""Time entries in the admin, with their earlier versions.

Time entries are written by contracts.services only: the add form calls
time_entry_add and the change form time_entry_edit (which keeps the previous
version as a revision), never `entry.save()`. Who may correct an entry, and
until when, is services.can_edit; nobody deletes one.
"""

from contextlib import contextmanager

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, admin_link

from .. import services
from ..models import BankKind, TimeEntry, TimeEntryRevision
from .common import ADMIN_CSS
from .durations import (
    DurationField,
    MinuteSplitDateTime,
    check_not_in_the_future,
    format_minutes,
    now_to_the_minute,
    when_help_text,
)

# --- Time entries ---------------------------------------------------------------


class _Refused(Exception):
    """The service refused the entry; raised to roll the admin's save back."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


@contextmanager
def _refusal_as_form_error():
    try:
        yield
    except ValidationError as error:
        raise _Refused(error) from error


class TimeEntryForm(forms.ModelForm):
    minutes = DurationField(
        label=_("Duration"), help_text=_("Minutes (90) or hours and minutes (1:30, 1h30).")
    )
    performed_at = forms.SplitDateTimeField(
        label=_("When"), initial=now_to_the_minute, widget=MinuteSplitDateTime
    )

    class Meta:
        model = TimeEntry
        fields = ["ticket", "performed_at", "minutes", "description", "billable"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    # Set by TimeEntryAdmin.get_form when the service refused this very submission.
    refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_at"].help_text = when_help_text()

    def clean_performed_at(self):
        moment = self.cleaned_data["performed_at"]
        check_not_in_the_future(moment)
        return moment

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("Say what was done."))
        return description

    def clean(self):
        cleaned = super().clean()
        if self.refusal is not None:
            self.add_error(None, self.refusal)
        return cleaned


class TimeEntryRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The entry as it was before each change, newest first: history is kept."""

    model = TimeEntryRevision
    extra = 0
    fields = ["changed_at", "changed_by", "when", "duration", "billable", "what_was_done"]
    readonly_fields = fields
    verbose_name = _("earlier version")
    verbose_name_plural = _("Earlier versions")
    classes = ["time-entry-revisions"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description=_("when"))
    def when(self, revision):
        return date_format(timezone.localtime(revision.performed_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("duration"))
    def duration(self, revision):
        return format_minutes(revision.minutes)

    @admin.display(description=_("what was done"))
    def what_was_done(self, revision):
        return revision.description


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    form = TimeEntryForm
    list_display = [
        "ticket_link",
        "agent",
        "when",
        "duration",
        "billable",
        "period_label",
        "excerpt",
    ]
    list_filter = [
        ("agent", admin.RelatedOnlyFieldListFilter),
        "billable",
        ("ticket__organisation", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["ticket__number", "description"]
    search_help_text = _("Ticket number or what was done.")
    date_hierarchy = "performed_at"
    autocomplete_fields = ["ticket"]
    inlines = [TimeEntryRevisionInline]
    view_on_site = False

    class Media:
        css = ADMIN_CSS

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fields = ["ticket", "performed_at", "minutes", "description", "billable"]
        else:
            # Read-only, the duration reads as hours and minutes like everywhere else.
            editable = self.has_change_permission(request, obj)
            fields = [
                ("ticket_link", "agent"),
                "period",
                "performed_at",
                "minutes" if editable else "duration",
                "description",
                "billable",
                ("created_at", "updated_at"),
            ]
        return [(None, {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["ticket_link", "agent", "period", "duration", "created_at", "updated_at"]

    def get_inline_instances(self, request, obj=None):
        if obj is None:
            return []
        # An editable page always posts the (read-only) revisions, even none yet,
        # so a correction saved meanwhile by someone else cannot break the form.
        if not obj.revisions.exists() and not self.has_change_permission(request, obj):
            return []
        return super().get_inline_instances(request, obj)

    def get_queryset(self, request):
        # The list and the change page both show the ticket, the agent and the period.
        return super().get_queryset(request).select_related("ticket", "agent", "period__contract")

    # Corrections follow services.can_edit (its author or a supervisor, for
    # TIME_ENTRY_EDIT_DAYS); past that the page is read-only. Entries are never
    # deleted: the hours bank's history is kept.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or services.can_edit(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.refusal = getattr(request, "_time_entry_refusal", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The admin's transaction rolled back; show the same submission again
            # with the service's reason.
            request._time_entry_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id))
        if entry is not None:
            extra_context = {
                **(extra_context or {}),
                "subtitle": f"{entry.ticket.number} · {format_minutes(entry.minutes)} · "
                f"{entry.agent}",
            }
            if not self.has_change_permission(request, entry):
                extra_context["read_only_reason"] = self._why_read_only(request.user, entry)
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _why_read_only(user, entry):
        if not user.has_perm("contracts.change_timeentry"):
            return _("You may look at time entries but not change them.")
        if not services.can_edit(entry, entry.agent):
            # Not even its author may change it now: the window has closed.
            return _(
                "Time entries can be corrected for a limited number of days after they "
                "are logged; this one can no longer be changed."
            )
        return _("Only %(author)s, who logged it, or a supervisor can change this entry.") % {
            "author": entry.agent
        }

    def save_model(self, request, obj, form, change):
        """Through the services, which record the event; never obj.save()."""
        data = form.cleaned_data
        with _refusal_as_form_error():
            if not change:
                saved = services.time_entry_add(
                    ticket=data["ticket"],
                    agent=request.user,
                    minutes=data["minutes"],
                    description=data["description"],
                    billable=data["billable"],
                    performed_at=data["performed_at"],
                )
            elif form.has_changed():
                saved = services.time_entry_edit(
                    entry=obj,
                    by=request.user,
                    minutes=data["minutes"],
                    description=data["description"],
                    billable=data["billable"],
                    performed_at=data["performed_at"],
                )
            else:
                return
        # The admin goes on with `obj` (change message, redirect): make it the saved row.
        for field in TimeEntry._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    # --- Columns ---

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, entry):
        return admin_link(entry.ticket, entry.ticket.number)

    @admin.display(description=_("period"), ordering="period__start")
    def period_label(self, entry):
        period = entry.period
        if period is None:
            return "-"
        if period.contract.bank_kind == BankKind.MONTHLY:
            label = date_format(period.start, "YEAR_MONTH_FORMAT")
        else:
            label = _("from %(day)s") % {"day": date_format(period.start, "SHORT_DATE_FORMAT")}
        return format_html('<span title="{}">{}</span>', period.contract, label)

    @admin.display(description=_("duration"), ordering="minutes")
    def duration(self, entry):
        return format_minutes(entry.minutes)

    @admin.display(description=_("when"), ordering="performed_at")
    def when(self, entry):
        moment = timezone.localtime(entry.performed_at)
        return format_html(
            '<time datetime="{}">{}</time>',
            moment.isoformat(),
            date_format(moment, "SHORT_DATETIME_FORMAT"),
        )

    @admin.display(description=_("what was done"))
    def excerpt(self, entry):
        return Truncator(entry.description).chars(60)
