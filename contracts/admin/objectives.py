"""Contract objectives in the admin (supervisors), linked to the organisation's tickets."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.states import DONE_STATUSES

from ..models import Contract, Objective
from ..queries import progress_percent

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
