"""SLA configuration (supervisors), the clocks (read-only) and the monthly report.

Calendars, policies and their targets are configuration, edited here like the
ticket configuration is. Clocks are only ever moved by sla.services, so their
admin is read-only. The report lives under the policies' URLs
(/admin/sla/slapolicy/report/) and is open to whoever may view policies.
"""

import csv
from datetime import date
from itertools import pairwise

import holidays
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from audit.services import record_export
from core.admin import ReadOnlyAdminMixin, admin_link
from tickets.admin_forms import AGENT_STATUS_CHOICES
from tickets.states import PRIORITY_RANK, Priority

from . import rules
from .models import (
    BusinessCalendar,
    Holiday,
    OrganisationPolicy,
    SLAPolicy,
    SLATarget,
    TicketClock,
    WorkingHours,
)
from .report import KINDS, OUTCOME_LABELS, REPORT_COLUMNS, monthly_report, report_table
from .rules import Mark

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}

# The SLA marks reuse the colours of the ticket labels (static/admin_extra/tickets.css):
# green on track, orange at risk, red breached, teal met, grey paused.
MARK_COLOURS = {
    Mark.ON_TRACK: "ticket-label--resolved",
    Mark.AT_RISK: "ticket-priority--high",
    Mark.BREACHED: "ticket-overdue",
    Mark.MET: "ticket-label--open",
    Mark.PAUSED: "ticket-label--closed",
}


def mark_label(mark: str | None):
    """A mark as a coloured label; None (no clock) as a dash."""
    if mark is None:
        return "—"
    return format_html(
        '<span class="ticket-label sla-mark sla-mark--{} {}" title="{}">{}</span>',
        mark,
        MARK_COLOURS[mark],
        rules.EXPLANATIONS[mark],
        Mark(mark).label,
    )


# --- Calendars ---------------------------------------------------------------


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "timezone", "always_open", "country", "subdivision"]

    def clean(self):
        data = super().clean()
        country = (data.get("country") or "").upper()
        region = (data.get("subdivision") or "").upper()
        supported = holidays.list_supported_countries()
        if country and country not in supported:
            self.add_error("country", _("No public holidays are known for this country code."))
        elif region and not country:
            self.add_error("subdivision", _("A region needs a country."))
        elif region and region not in supported[country]:
            self.add_error(
                "subdivision",
                _("Unknown region for %(country)s. Known: %(known)s.")
                % {"country": country, "known": ", ".join(supported[country])},
            )
        data["country"], data["subdivision"] = country, region
        return data


class WorkingHoursFormSet(BaseInlineFormSet):
    """Intervals the calendar arithmetic accepts: start before end, no overlap in a day."""

    def clean(self):
        super().clean()
        by_day: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("start") is None or not data.get("end"):
                continue
            start = data["start"].hour * 60 + data["start"].minute
            end = (data["end"].hour * 60 + data["end"].minute) or 24 * 60
            if end <= start:
                form.add_error("end", _("Must be after the start (00:00 means midnight)."))
                continue
            by_day.setdefault(data["weekday"], []).append((start, end))
        for weekday, spans in by_day.items():
            spans.sort()
            if any(after[0] < before[1] for before, after in pairwise(spans)):
                raise ValidationError(
                    _("Working hours overlap on %(day)s.")
                    % {"day": WorkingHours.Weekday(weekday).label}
                )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 0
    fields = ["weekday", "start", "end"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "timezone", "always_open", "country", "subdivision", "updated_at"]
    list_filter = ["always_open", "country"]
    search_fields = ["name"]
    fields = ["name", "timezone", "always_open", ("country", "subdivision")]
    inlines = [WorkingHoursInline, HolidayInline]


# --- Policies ----------------------------------------------------------------


class SLAPolicyForm(forms.ModelForm):
    pausing_statuses = forms.MultipleChoiceField(
        label=capfirst(SLAPolicy._meta.get_field("pausing_statuses").verbose_name),
        choices=AGENT_STATUS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("While a ticket is in one of these, none of its SLA clocks run."),
    )

    class Meta:
        model = SLAPolicy
        fields = [
            "name",
            "calendar",
            "is_global_default",
            "warning_percent",
            "warning_minutes",
            "pausing_statuses",
        ]

    def clean_warning_percent(self):
        percent = self.cleaned_data["warning_percent"]
        if not 1 <= percent <= 100:
            raise ValidationError(_("Between 1 and 100."))
        return percent


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    fields = ["priority", "acknowledgement_minutes", "first_response_minutes", "resolution_minutes"]
    max_num = len(Priority.choices)

    def get_queryset(self, request):
        most_urgent_first = Case(
            *(When(priority=p, then=-rank) for p, rank in PRIORITY_RANK.items()),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).order_by(most_urgent_first)

    def get_extra(self, request, obj=None, **kwargs):
        # A new policy offers one row per priority; an existing one just what is missing.
        return len(Priority.choices) - (obj.targets.count() if obj else 0)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    change_list_template = "admin/sla/slapolicy/change_list.html"
    list_display = ["name", "calendar", "warning", "is_global_default"]
    list_filter = ["is_global_default", "calendar"]
    list_select_related = ["calendar"]
    search_fields = ["name"]
    autocomplete_fields = ["calendar"]
    inlines = [SLATargetInline]
    fieldsets = [
        (None, {"fields": ["name", "calendar", "is_global_default", "pausing_statuses"]}),
        (
            _("Warning"),
            {
                "fields": [("warning_percent", "warning_minutes")],
                "description": _(
                    "Agents are warned when this share of a target is used, or this many "
                    "business minutes before the deadline when minutes are set."
                ),
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only, the stored list would show raw values ("waiting_on_client").
        first, *rest = self.fieldsets
        fields = [
            "pausing_statuses_display" if f == "pausing_statuses" else f for f in first[1]["fields"]
        ]
        return [(None, {"fields": fields}), *rest]

    @admin.display(description=capfirst(SLAPolicy._meta.get_field("pausing_statuses").verbose_name))
    def pausing_statuses_display(self, policy):
        labels = dict(AGENT_STATUS_CHOICES)
        return ", ".join(str(labels.get(s, s)) for s in policy.pausing_statuses) or "—"

    @admin.display(description=_("warning"))
    def warning(self, policy):
        if policy.warning_minutes:
            return _("%(minutes)d min before") % {"minutes": policy.warning_minutes}
        return f"{policy.warning_percent} %"

    def get_urls(self):
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="sla_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportForm(request.GET or None)
        rows, period = [], None
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            year, month = form.cleaned_data["month"]
            rows, period = monthly_report(organisation, year, month), date(year, month, 1)
            if request.GET.get("format") == "csv":
                record_export(
                    request=request,
                    what="sla report",
                    file_format="csv",
                    rows=len(rows),
                    organisation=organisation,
                )
                return _csv_response(report_table(rows), organisation, period)
        context = {
            **self.admin_site.each_context(request),
            "title": _("SLA report"),
            "opts": self.opts,
            "form": form,
            "rows": rows,
            "period": period,
            "kind_labels": list(KINDS.values()),
            "outcome_labels": OUTCOME_LABELS,
            "csv_url": "?" + urlencode({**request.GET.dict(), "format": "csv"}),
        }
        return TemplateResponse(request, "admin/sla/report.html", context)


class MonthInput(forms.TextInput):
    input_type = "month"


class ReportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=MonthInput(attrs={"placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"}),
        help_text=_("Tickets opened in this month, in the organisation's time zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = timezone.localdate().strftime("%Y-%m")

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except ValueError as bad:
            raise ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-03.")) from bad
        if not 2000 <= year <= 2100:
            raise ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-03."))
        return year, month


def _csv_response(table, organisation, period):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sla-{organisation.slug}-{period:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([gettext("Priority"), *(str(column) for column in REPORT_COLUMNS)])
    for label, values in table:
        writer.writerow([label, *("" if value is None else value for value in values)])
    return response


@admin.register(OrganisationPolicy)
class OrganisationPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "policy"]
    list_select_related = ["organisation", "policy"]
    list_filter = ["policy"]
    search_fields = ["organisation__name", "policy__name"]
    autocomplete_fields = ["organisation", "policy"]


# --- Clocks (read-only) ------------------------------------------------------


@admin.register(TicketClock)
class TicketClockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket_link", "kind", "mark", "due", "met", "breached"]
    list_filter = ["kind", "policy"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]
    search_help_text = _("Ticket number.")
    ordering = ["-created_at", "kind"]
    show_full_result_count = False
    fields = [
        "ticket_link",
        "policy",
        "kind",
        "mark",
        "target",
        "elapsed",
        "running_since",
        "due_at",
        "warn_at",
        "warned_at",
        "met_at",
        "breached_at",
        "stopped_at",
        "created_at",
    ]
    readonly_fields = fields

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, clock):
        return admin_link(clock.ticket, clock.ticket.number)

    @admin.display(description=_("state"))
    def mark(self, clock):
        if clock.stopped_at is not None and clock.met_at is None and clock.breached_at is None:
            # Stopped by a merge: rules.mark would call it paused, but it never resumes.
            return format_html(
                '<span class="ticket-label sla-mark sla-mark--stopped ticket-label--closed">'
                "{}</span>",
                _("Stopped"),
            )
        return mark_label(rules.mark(clock, timezone.now()))

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, clock):
        return _moment(clock.due_at)

    @admin.display(description=_("met"), ordering="met_at")
    def met(self, clock):
        return _moment(clock.met_at)

    @admin.display(description=_("breached"), ordering="breached_at")
    def breached(self, clock):
        return _moment(clock.breached_at)


def _moment(value):
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
