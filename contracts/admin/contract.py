"""Contracts in the admin, with their hours bank."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import BankKind, Contract
from .bank import BankPeriodInline
from .common import ADMIN_CSS

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
