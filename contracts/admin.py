"""Contracts in the admin: services, contracts and their hours banks, time entries, objectives.

Time entries are written by contracts.services only: the add form calls
time_entry_add and the change form time_entry_edit (which keeps the previous
version as a revision), never `entry.save()`. Who may correct an entry, and
until when, is services.can_edit; nobody deletes one. Bank periods are moved by
the services too, so their admin is read-only.
"""

from contextlib import contextmanager
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets
from tickets.admin_forms import (
    DurationField,
    MinuteSplitDateTime,
    check_not_in_the_future,
    format_minutes,
    now_to_the_minute,
    when_help_text,
)
from tickets.states import DONE_STATUSES

from . import periods, services
from .models import BankKind, BankPeriod, Contract, Objective, Service, TimeEntry, TimeEntryRevision
from .queries import progress_percent

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _ticket_link(ticket):
    return format_html('<a href="{}">{}</a>', _change_url(ticket), ticket.number)


@admin.register(Service)
class ServiceAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "shown_name",
        "organisation",
        "shown_kind",
        "identifier",
        "status",
        "missing_languages",
    ]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["name", "name_es", "name_pt", "name_fr", "identifier", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["organisation", "identifier", "status", "missing_languages"]}),
        *language_fieldsets("name", "kind"),
    ]

    @admin.display(description=_("kind"), ordering="kind")
    def shown_kind(self, obj):
        return obj.tr("kind") or "—"


# --- Hours bank periods (read-only: services.time_entry_add moves them) -----


class _PeriodColumns:
    """The figures of a bank period, in hours and minutes, for the list and the inline."""

    @admin.display(description=_("from"), ordering="start")
    def first_day(self, period):
        return date_format(period.start, "SHORT_DATE_FORMAT")

    @admin.display(description=_("to"), ordering="end")
    def last_day(self, period):
        if period.end == periods.OPEN_END:
            return _("open")
        return date_format(period.end - timedelta(days=1), "SHORT_DATE_FORMAT")

    @admin.display(description=_("allowance (h)"))
    def allowance(self, period):
        return format_minutes(period.allowance_minutes)

    @admin.display(description=_("carried over (h)"))
    def carried(self, period):
        return format_minutes(period.carried_minutes)

    @admin.display(description=_("used (h)"), ordering="used_minutes")
    def used(self, period):
        return format_minutes(period.used_minutes)

    @admin.display(description=_("used"))
    def used_share(self, period):
        percent = period.used_percent
        level = "full" if percent >= 100 else "high" if percent >= 80 else "ok"
        return format_html('<span class="bank-use bank-use--{}">{} %</span>', level, percent)

    @admin.display(description=_("overage (h)"))
    def overage(self, period):
        if not period.overage_minutes:
            return "-"
        return format_html(
            '<strong class="ticket-overdue">{}</strong>', format_minutes(period.overage_minutes)
        )


PERIOD_FIGURES = ["allowance", "carried", "used", "used_share", "overage"]


@admin.register(BankPeriod)
class BankPeriodAdmin(_PeriodColumns, admin.ModelAdmin):
    list_display = ["contract", "organisation", "first_day", "last_day", *PERIOD_FIGURES]
    list_filter = [("contract__organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["contract__organisation"]
    search_fields = ["contract__name", "contract__organisation__name"]
    date_hierarchy = "start"
    fields = ["contract", "organisation", "first_day", "last_day", *PERIOD_FIGURES]
    readonly_fields = fields

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("organisation"), ordering="contract__organisation__name")
    def organisation(self, period):
        return period.contract.organisation

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BankPeriodInline(_PeriodColumns, admin.TabularInline):
    model = BankPeriod
    extra = 0
    fields = ["first_day", "last_day", *PERIOD_FIGURES]
    readonly_fields = fields
    ordering = ["-start"]
    verbose_name_plural = _("Hours bank periods")
    classes = ["bank-periods"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Contracts ----------------------------------------------------------------

BANK_FIELDS = [
    "bank_kind",
    "bank_hours",
    "carry_over",
    "carry_over_cap_hours",
    "extra_hour_price",
    "currency",
]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["organisation", "name", "start_date", "end_date", "sla_policy", *BANK_FIELDS]
        help_texts = {
            "end_date": _("Leave empty for a contract without an end."),
            "sla_policy": _(
                "The SLA of the organisation's new tickets while the contract is active. "
                "Without one: the organisation's default policy, else the global default."
            ),
            "carry_over_cap_hours": _("Empty: no cap."),
            "currency": _("ISO 4217 code, e.g. EUR, USD, CLP."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A contract saved without the bank fields has no bank (their model defaults).
        for name in ("bank_kind", "bank_hours", "currency"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        if "bank_kind" in self.fields:
            self._clean_bank(data)
        return data

    def _clean_bank(self, data):
        kind = data["bank_kind"] = data.get("bank_kind") or BankKind.NONE
        data["currency"] = (data.get("currency") or "EUR").strip().upper()
        if "bank_hours" not in self.errors:
            hours = data["bank_hours"] = data.get("bank_hours") or 0
            if hours < 0:
                self.add_error("bank_hours", _("The hours cannot be negative."))
            elif kind != BankKind.NONE and not hours:
                self.add_error("bank_hours", _("An hours bank needs a number of hours."))
        if data.get("carry_over") and kind in (BankKind.NONE, BankKind.ONE_OFF):
            self.add_error(
                "carry_over", _("Only monthly and yearly banks carry unused hours over.")
            )
        cap = data.get("carry_over_cap_hours")
        if cap is not None and (cap < 0 or not data.get("carry_over")):
            self.add_error(
                "carry_over_cap_hours",
                _("Set a cap (zero or more hours) only when unused hours carry over."),
            )
        price = data.get("extra_hour_price")
        if price is not None and price < 0:
            self.add_error("extra_hour_price", _("The price cannot be negative."))
        if not (len(data["currency"]) == 3 and data["currency"].isalpha()):
            self.add_error("currency", _("Three letters, e.g. EUR."))


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    form = ContractForm
    list_display = ["name", "organisation", "start_date", "end_date", "sla_policy", "bank_kind"]
    list_filter = ["organisation", "sla_policy", "bank_kind"]
    list_select_related = ["organisation", "sla_policy"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "sla_policy"]
    date_hierarchy = "start_date"
    inlines = [BankPeriodInline]
    readonly_fields = ["objective_links"]

    class Media:
        css = ADMIN_CSS

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {"fields": ["organisation", "name", ("start_date", "end_date"), "sla_policy"]},
            ),
            (
                _("Hours bank"),
                {
                    "fields": [
                        ("bank_kind", "bank_hours"),
                        ("carry_over", "carry_over_cap_hours"),
                        ("extra_hour_price", "currency"),
                    ],
                    "description": _(
                        "A period's allowance is fixed when its first hour is logged: "
                        "a change here counts from the next period."
                    ),
                },
            ),
        ]
        if obj is not None:
            fieldsets.append((_("Objectives"), {"fields": ["objective_links"]}))
        return fieldsets

    def get_inline_instances(self, request, obj=None):
        # Periods exist once time is logged: none on a contract being added.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("contracts.add_objective"):
            # templates/admin/contracts/contract/change_form.html offers it.
            context["objective_add_url"] = "{}?{}".format(
                reverse("admin:contracts_objective_add"), urlencode({"contract": obj.pk})
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("objectives"))
    def objective_links(self, contract):
        count = contract.objectives.count()
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:contracts_objective_changelist"),
            urlencode({"contract__id__exact": contract.pk}),
            ngettext("%(count)s objective", "%(count)s objectives", count) % {"count": count},
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


class TimeEntryRevisionInline(admin.TabularInline):
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        return _ticket_link(entry.ticket)

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


# --- Objectives (supervisors) ---------------------------------------------------


class OrganisationTicketsSelect(AutocompleteSelectMultiple):
    """Ticket autocomplete that asks for one organisation's tickets (TicketAdmin obliges)."""

    organisation_id = None

    def get_url(self):
        url = super().get_url()
        if self.organisation_id is None:
            return url
        return f"{url}?{urlencode({'organisation': self.organisation_id})}"


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = [
            "contract",
            "title",
            "description",
            "due_date",
            "tickets",
            "manual_progress",
            "order",
        ]
        help_texts = {
            "tickets": _("Tickets of the contract's organisation."),
            "manual_progress": _(
                "Empty means the progress follows the linked tickets. A percentage "
                "(0 to 100) replaces it and shows as set by hand, by you."
            ),
        }

    def clean_manual_progress(self):
        progress = self.cleaned_data.get("manual_progress")
        if progress is not None and progress > 100:
            raise ValidationError(_("A percentage from 0 to 100."))
        return progress

    def clean(self):
        cleaned = super().clean()
        contract, tickets = cleaned.get("contract"), cleaned.get("tickets")
        if contract is not None and tickets is not None:
            foreign = [t.number for t in tickets if t.organisation_id != contract.organisation_id]
            if foreign:
                self.add_error(
                    "tickets",
                    _("Not tickets of %(organisation)s: %(numbers)s.")
                    % {"organisation": contract.organisation, "numbers": ", ".join(foreign)},
                )
        return cleaned


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    form = ObjectiveForm
    list_display = ["title", "contract", "organisation", "due_date", "progress", "order"]
    list_filter = [
        ("contract__organisation", admin.RelatedOnlyFieldListFilter),
        ("contract", admin.RelatedOnlyFieldListFilter),
        "due_date",
    ]
    list_select_related = ["contract__organisation", "manual_set_by"]
    search_fields = ["title", "description", "contract__name"]
    autocomplete_fields = ["contract", "tickets"]
    readonly_fields = ["progress"]
    fieldsets = [
        (None, {"fields": ["contract", "title", "description", ("due_date", "order")]}),
        (_("Progress"), {"fields": ["tickets", "manual_progress", "progress"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                ticket_count=Count("tickets", distinct=True),
                done_count=Count(
                    "tickets", filter=Q(tickets__status__in=DONE_STATUSES), distinct=True
                ),
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("tickets")
        if field is not None:
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, OrganisationTicketsSelect):
                widget.organisation_id = self._organisation_id(request, obj)
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tickets":
            kwargs["widget"] = OrganisationTicketsSelect(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _organisation_id(request, obj):
        """The organisation whose tickets the autocomplete offers, once the contract is known."""
        if obj is not None:
            return obj.contract.organisation_id
        contract = request.POST.get("contract") or request.GET.get("contract") or ""
        if not contract.isdecimal():
            return None
        return (
            Contract.objects.filter(pk=int(contract))
            .values_list("organisation_id", flat=True)
            .first()
        )

    def save_model(self, request, obj, form, change):
        if "manual_progress" in form.changed_data:
            obj.manual_set_by = request.user if obj.manual_progress is not None else None
        super().save_model(request, obj, form, change)

    @admin.display(description=_("organisation"), ordering="contract__organisation__name")
    def organisation(self, objective):
        return objective.contract.organisation

    @admin.display(description=_("progress"))
    def progress(self, objective):
        if objective.manual_progress is not None:
            return _("%(percent)s %% (set by hand by %(who)s)") % {
                "percent": objective.manual_progress,
                "who": objective.manual_set_by or "?",
            }
        if objective.pk is None:
            return "-"
        total = getattr(objective, "ticket_count", None)
        if total is None:  # an objective not read through get_queryset
            total = objective.tickets.count()
            done = objective.tickets.filter(status__in=DONE_STATUSES).count()
        else:
            done = objective.done_count
        if not total:
            return _("No linked tickets yet")
        return ngettext(
            "%(percent)s %% (%(done)s of %(total)s ticket done)",
            "%(percent)s %% (%(done)s of %(total)s tickets done)",
            total,
        ) % {
            "percent": progress_percent(None, done, total),
            "done": done,
            "total": total,
        }
