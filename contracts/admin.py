from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Contract, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "identifier", "status"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["name", "identifier", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["organisation", "name", "start_date", "end_date", "sla_policy"]
        help_texts = {
            "end_date": _("Leave empty for a contract without an end."),
            "sla_policy": _(
                "The SLA of the organisation's new tickets while the contract is active. "
                "Without one: the organisation's default policy, else the global default."
            ),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    form = ContractForm
    list_display = ["name", "organisation", "start_date", "end_date", "sla_policy"]
    list_filter = ["organisation", "sla_policy"]
    list_select_related = ["organisation", "sla_policy"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "sla_policy"]
    date_hierarchy = "start_date"
