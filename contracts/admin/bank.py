"""Hours bank periods in the admin: their list and the contract page's inline.

Bank periods are moved by the services, so their admin is read-only.
"""

from datetime import timedelta

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .. import periods
from ..models import BankPeriod
from .common import ADMIN_CSS
from .durations import format_minutes

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
class BankPeriodAdmin(ReadOnlyAdminMixin, _PeriodColumns, admin.ModelAdmin):
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


class BankPeriodInline(ReadOnlyAdminMixin, _PeriodColumns, admin.TabularInline):
    model = BankPeriod
    extra = 0
    fields = ["first_day", "last_day", *PERIOD_FIGURES]
    readonly_fields = fields
    ordering = ["-start"]
    verbose_name_plural = _("Hours bank periods")
    classes = ["bank-periods"]
