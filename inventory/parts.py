"""The resources a ticket concerns, on its pages (tickets.parts).

The client names them on the new-ticket form ("Open a ticket about this"
arrives with one chosen) and on the ticket's page; an agent on the ticket's
admin page, whose side column also sums up what the client has (context_card).
Each side reads only resources of the ticket's organisation.
"""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin import change_url
from tickets.parts import Panel, TicketPart
from tickets.states import Status as TicketStatus

from . import queries, services
from .models import Resource, Status, TicketResource, is_number

PREFIX = "inventory"


# An organisation with at most this many resources in use lists them all on the forms;
# with more, the forms search as the client types, so a page never lists thousands.
LISTED = 25


class LabelledAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete, whose search box gets the field's label (axe: label)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-labelled-search"] = "1"
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(js=["inventory/autocomplete_label.js"])


class ResourceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {capfirst(obj.get_kind_display())}"


class NewTicketResourcesForm(forms.Form):
    resources = ResourceChoiceField(
        label=_("Resources concerned"),
        queryset=Resource.objects.none(),
        required=False,
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


# The resources a ticket names, listed on the agent's side card; a ticket naming more
# shows them all in its form.
NAMED_SHOWN = 10


def _short(queryset):
    return queryset.only("pk", "number", "name", "kind")


class TicketResources(TicketPart):
    key = "inventory"

    # --- The client's pages ---

    def new_ticket_fields(self, request, organisation) -> Panel | None:
        queryset = _choices(request.user, organisation)
        count = queryset.count()
        if not count:
            return None
        if request.method == "POST":
            form = NewTicketResourcesForm(request.POST, queryset=queryset)
            # ASCII digits only: str.isdigit() takes '²', which the id lookup refuses.
            sent = form["resources"].value() or []
            wanted = {"pk__in": [v for v in sent if re.fullmatch(r"[0-9]{1,18}", str(v))]}
        else:
            form = NewTicketResourcesForm(queryset=queryset)
            numbers = [n for n in request.GET.getlist("resource") if is_number(n)]
            wanted = {"number__in": numbers}
        # Only the chosen ones are drawn (and all when there are few): the field checks
        # what is sent against the whole queryset in one query.
        chosen = list(_short(queryset.filter(**wanted))[:20]) if any(wanted.values()) else []
        others = []
        if count <= LISTED:
            others = [r for r in _short(queryset) if r.pk not in {c.pk for c in chosen}]
        context = {"form": form, "chosen": chosen, "others": others, "search": count > LISTED}
        return Panel("inventory_form", "inventory/_new_ticket_card.html", context)

    def new_ticket_save(self, request, ticket, form) -> None:
        resources = form.cleaned_data.get("resources") or []
        if resources:
            services.ticket_resources_add(ticket=ticket, resources=resources, by=request.user)

    def side_panel(self, request, ticket) -> Panel | None:
        # The access rule once for both reads; sorted without the organisation's join.
        mine = Resource.objects.visible_to(request.user, organisation=ticket.organisation)
        mine = mine.order_by("kind", "name", "pk")
        resources = list(_short(mine.filter(ticket_links__ticket=ticket)))
        may_change = ticket.status != TicketStatus.CLOSED
        addable, search = [], False
        if may_change:
            choices = mine.exclude(status=Status.RETIRED).exclude(pk__in=[r.pk for r in resources])
            addable = list(_short(choices)[: LISTED + 1])
            search = len(addable) > LISTED
            addable = [] if search else addable
        if not resources and not addable and not search:
            return None
        return Panel(
            "inventory",
            "inventory/_ticket_card.html",
            {
                "resources": resources,
                "addable": addable,
                "search": search,
                "may_change": may_change,
            },
        )

    # --- The agents' admin ---

    def ticket_form(self, request, ticket):
        if ticket is None or not request.user.has_perm("inventory.view_resource"):
            return None
        queryset = Resource.objects.filter(organisation_id=ticket.organisation_id)
        current = list(queryset.filter(ticket_links__ticket=ticket).values_list("pk", flat=True))

        # The admin's search-as-you-type select: only the chosen ones are drawn.
        widget = LabelledAutocomplete(TicketResource._meta.get_field("resource"), admin.site)

        class TicketResourcesForm(forms.Form):
            resources = ResourceChoiceField(
                label=_("Resources concerned"),
                queryset=queryset,
                required=False,
                initial=current,
                widget=widget,
            )

        return TicketResourcesForm

    def ticket_fieldsets(self, request, ticket) -> list:
        if ticket is None or not request.user.has_perm("inventory.view_resource"):
            return []
        return [(_("Resources concerned"), {"fields": ["resources"]})]

    def save(self, request, ticket, form) -> None:
        if "resources" not in form.changed_data:
            return
        try:
            services.ticket_resources_set(
                ticket=ticket, resources=form.cleaned_data["resources"], by=request.user
            )
        except ValidationError as error:
            raise ValidationError({"resources": error}) from error

    def context_card(self, request, ticket) -> Panel | None:
        if not request.user.has_perm("inventory.view_resource"):
            return None
        # Staff read through the organisation, as the ticket's form does (visible_to is
        # the clients' entry point). Never the internal notes: only what the card shows.
        of_client = Resource.objects.filter(organisation_id=ticket.organisation_id)
        counts = of_client.aggregate(
            in_use=Count("pk", filter=~Q(status=Status.RETIRED)),
            active=Count("pk", filter=Q(status=Status.ACTIVE)),
            faulty=Count("pk", filter=Q(status=Status.FAULTY)),
            maintenance=Count("pk", filter=Q(status=Status.MAINTENANCE)),
        )
        named = list(
            of_client.filter(ticket_links__ticket=ticket)
            .only("pk", "number", "name", "kind", "status")
            .order_by("kind", "name", "pk")[: NAMED_SHOWN + 1]
        )
        if not counts["in_use"] and not named:
            return None
        changelist = reverse("admin:inventory_resource_changelist")

        def listed(**filters):
            query = {"organisation__id__exact": ticket.organisation_id, **filters}
            return f"{changelist}?{urlencode(query)}"

        return Panel(
            "inventory_card",
            "admin/inventory/context_card.html",
            {
                "counts": counts,
                "statuses": [
                    (Status.ACTIVE.label, counts["active"], listed(status__exact=Status.ACTIVE)),
                    (Status.FAULTY.label, counts["faulty"], listed(status__exact=Status.FAULTY)),
                    (
                        Status.MAINTENANCE.label,
                        counts["maintenance"],
                        listed(status__exact=Status.MAINTENANCE),
                    ),
                ],
                "expiring": queries.expiring_count(of_client),
                "expiring_days": queries.EXPIRING_DAYS,
                "named": [(r, change_url(r)) for r in named[:NAMED_SHOWN]],
                "more_named": len(named) > NAMED_SHOWN,
                "all_url": listed(),
            },
        )
