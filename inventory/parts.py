"""The resources a ticket concerns, on its pages (tickets.parts).

The client names them on the new-ticket form ("Open a ticket about this"
arrives with one chosen) and on the ticket's page; an agent on the ticket's
admin page. Each side reads only resources of the ticket's organisation.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tickets.parts import Panel, TicketPart
from tickets.states import Status as TicketStatus

from . import services
from .models import Resource, Status, is_number

PREFIX = "inventory"


class ResourceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {capfirst(obj.get_kind_display())}"


class NewTicketResourcesForm(forms.Form):
    resources = ResourceChoiceField(
        label=_("Resources concerned"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The equipment or services this ticket is about, if any."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, prefix=PREFIX, **kwargs)
        self.fields["resources"].queryset = queryset
        self.fields["resources"].error_messages["invalid_choice"] = _(
            "This resource is not one of your organisation's."
        )


def _choices(user, organisation):
    return (
        Resource.objects.visible_to(user, organisation=organisation)
        .exclude(status=Status.RETIRED)
        .order_by("kind", "name", "pk")
    )


class TicketResources(TicketPart):
    key = "inventory"

    # --- The client's pages ---

    def new_ticket_fields(self, request, organisation) -> Panel | None:
        queryset = _choices(request.user, organisation)
        if not queryset.exists():
            return None
        wanted = [n for n in request.GET.getlist("resource") if is_number(n)]
        initial = {"resources": list(queryset.filter(number__in=wanted[:20]))} if wanted else {}
        form = NewTicketResourcesForm(
            request.POST if request.method == "POST" else None,
            queryset=queryset,
            initial=initial,
        )
        return Panel("inventory_form", "inventory/_new_ticket_card.html", {"form": form})

    def new_ticket_save(self, request, ticket, form) -> None:
        resources = form.cleaned_data.get("resources") or []
        if resources:
            services.ticket_resources_add(ticket=ticket, resources=resources, by=request.user)

    def side_panel(self, request, ticket) -> Panel | None:
        resources = list(
            Resource.objects.visible_to(request.user, organisation=ticket.organisation).filter(
                ticket_links__ticket=ticket
            )
        )
        may_change = ticket.status != TicketStatus.CLOSED
        addable = []
        if may_change:
            addable = list(
                _choices(request.user, ticket.organisation)
                .exclude(pk__in=[r.pk for r in resources])
                .only("pk", "number", "name", "kind")[:200]
            )
        if not resources and not addable:
            return None
        return Panel(
            "inventory",
            "inventory/_ticket_card.html",
            {"resources": resources, "addable": addable, "may_change": may_change},
        )

    # --- The agents' admin ---

    def ticket_form(self, request, ticket):
        if ticket is None or not request.user.has_perm("inventory.view_resource"):
            return None
        queryset = Resource.objects.filter(organisation_id=ticket.organisation_id).order_by(
            "kind", "name", "pk"
        )
        if not queryset.exists():
            return None
        current = list(queryset.filter(ticket_links__ticket=ticket).values_list("pk", flat=True))

        class TicketResourcesForm(forms.Form):
            resources = ResourceChoiceField(
                label=_("Resources concerned"),
                queryset=queryset,
                required=False,
                initial=current,
            )

        return TicketResourcesForm

    def ticket_fieldsets(self, request, ticket) -> list:
        if self.ticket_form(request, ticket) is None:
            return []
        return [(_("Resources concerned"), {"fields": ["resources"], "classes": ["collapse"]})]

    def save(self, request, ticket, form) -> None:
        if "resources" not in form.changed_data:
            return
        try:
            services.ticket_resources_set(
                ticket=ticket, resources=form.cleaned_data["resources"], by=request.user
            )
        except ValidationError as error:
            raise ValidationError({"resources": error}) from error
