"""Staff run measurements (from a ticket, or for an organisation) and read their results.

A measurement is written only by its service (Atlas gives it its id): the admin's
"add" is the Run form, and a measurement's page is read-only, with its results
shown as the client sees them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from core.admin import ReadOnlyAdminMixin, change_url
from tickets.models import Ticket
from tickets.parts import Panel, TicketPart

from . import reading, services
from .definitions import AREAS, PROTOCOLS
from .models import Kind, Measurement, OrganisationRules
from .targets import QUERY_TYPES


@admin.register(OrganisationRules)
class OrganisationRulesAdmin(admin.ModelAdmin):
    list_display = ["organisation", "clients_may_run", "daily_limit", "monthly_credits"]
    autocomplete_fields = ["organisation"]


class RunForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    ticket = forms.ModelChoiceField(
        label=gettext_lazy("Ticket"),
        queryset=Ticket.objects.all(),
        required=False,
        widget=forms.HiddenInput,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Kind.choices)
    target = forms.CharField(
        label=gettext_lazy("Target"),
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "A host name or a public address. For DNS: the resolver, or empty for the "
            "probes' own resolvers. For HTTP: a RIPE Atlas anchor."
        ),
    )
    af = forms.TypedChoiceField(
        label=gettext_lazy("IP version"), choices=[(4, "IPv4"), (6, "IPv6")], coerce=int
    )
    protocol = forms.ChoiceField(
        label=gettext_lazy("Traceroute protocol"),
        choices=[(p, p) for p in PROTOCOLS],
        required=False,
    )
    query_type = forms.ChoiceField(
        label=gettext_lazy("DNS record type"), choices=QUERY_TYPES, required=False
    )
    query_argument = forms.CharField(
        label=gettext_lazy("DNS name asked"), required=False, max_length=255
    )
    sni = forms.CharField(
        label=gettext_lazy("SNI host name"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("For an SSL certificate: the name asked for. Empty: the target."),
    )
    port = forms.IntegerField(
        label=gettext_lazy("Port"), required=False, min_value=1, max_value=65535
    )
    country = forms.CharField(
        label=gettext_lazy("Probes in country"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("Two letters, e.g. CL. Empty: the organisation's country."),
    )
    in_country = forms.IntegerField(
        label=gettext_lazy("Probes there"), min_value=0, max_value=50, initial=5
    )
    area = forms.ChoiceField(
        label=gettext_lazy("And in the area"), choices=[(a, a) for a in AREAS], initial="WW"
    )
    in_area = forms.IntegerField(
        label=gettext_lazy("Probes there"), min_value=0, max_value=50, initial=5
    )
    key = forms.ChoiceField(
        label=gettext_lazy("RIPE Atlas key"),
        required=False,
        help_text=gettext_lazy("Whose credits pay for it; recorded with the measurement."),
    )
    asn = forms.IntegerField(
        label=gettext_lazy("Or probes in the network AS"), required=False, min_value=1
    )
    prefix = forms.CharField(
        label=gettext_lazy("Or probes in the prefix"), required=False, max_length=64
    )
    in_network = forms.IntegerField(
        label=gettext_lazy("Probes there"), min_value=0, max_value=50, initial=0, required=False
    )
    reuse = forms.ModelChoiceField(
        label=gettext_lazy("Or the probes of an earlier measurement"),
        queryset=Measurement.objects.order_by("-created_at"),
        required=False,
        help_text=gettext_lazy("All of them: the other probe choices are then ignored."),
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Shared with the client"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Off: an internal measurement, for staff only."),
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(name, name) for name in keys]
        if len(keys) < 2:
            # One key (or none): nothing to choose.
            self.fields["key"].widget = forms.HiddenInput()

    def options(self) -> dict:
        data = self.cleaned_data
        found = {}
        for name in ("protocol", "query_type", "query_argument", "port"):
            if data.get(name):
                found[name] = data[name]
        if data.get("sni"):
            found["hostname"] = data["sni"]
        return found

    def probes(self, organisation) -> list[dict]:
        data = self.cleaned_data
        if data.get("reuse"):
            earlier = data["reuse"]
            return [
                {"type": "msm", "value": earlier.atlas_id, "requested": earlier.probes_requested}
            ]
        spec = []
        for kind in ("asn", "prefix"):
            if data.get(kind) and data.get("in_network"):
                spec.append({"type": kind, "value": data[kind], "requested": data["in_network"]})
        country = (data.get("country") or organisation.country or "").upper()
        if data["in_country"] and country:
            spec.append({"type": "country", "value": country, "requested": data["in_country"]})
        if data["in_area"]:
            spec.append({"type": "area", "value": data["area"], "requested": data["in_area"]})
        return spec


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "organisation",
        "ticket",
        "kind",
        "target",
        "status",
        "shared",
        "created_at",
    ]
    list_filter = ["status", "kind", "shared", "organisation"]
    search_fields = ["number", "target", "ticket__number", "organisation__name"]
    change_form_template = "admin/diagnostics/measurement/change_form.html"

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("diagnostics.add_measurement")

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(
            reverse("admin:diagnostics_measurement_run") + "?" + request.GET.urlencode()
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["reading"] = reading.view(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def run_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        ticket = Ticket.objects.filter(pk=request.GET.get("ticket") or 0).first()
        initial = {"shared": True, "af": 4, "in_country": 5, "in_area": 5, "area": "WW"}
        if ticket is not None:
            initial.update(ticket=ticket.pk, organisation=ticket.organisation_id)
        keys = services.AtlasClient().key_names()
        form = RunForm(request.POST or None, initial=initial, keys=keys)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            organisation = data["organisation"]
            try:
                measurement = services.measurement_start(
                    organisation=organisation,
                    by=request.user,
                    kind=data["kind"],
                    target=data["target"] or None,
                    af=data["af"],
                    options=form.options(),
                    probes=form.probes(organisation),
                    ticket=data["ticket"],
                    shared=data["shared"],
                    key=data.get("key") or None,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                self.message_user(
                    request,
                    _("%(number)s sent to RIPE Atlas: results appear as the probes report.")
                    % {"number": measurement.number},
                    messages.SUCCESS,
                )
                return redirect(change_url(measurement))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Run a network measurement"),
            "opts": self.opts,
            "form": form,
            "ticket": ticket,
            "keys_configured": bool(keys),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/diagnostics/measurement/run.html", context)

    def get_urls(self):
        run = path(
            "run/", self.admin_site.admin_view(self.run_view), name="diagnostics_measurement_run"
        )
        return [run, *super().get_urls()]


class TicketMeasurementsPanel(TicketPart):
    """On the agents' ticket page: the ticket's measurements and a link to run one."""

    key = "diagnostics-admin"

    def ticket_panels(self, request, ticket) -> list[Panel]:
        if not request.user.has_perm("diagnostics.view_measurement"):
            return []
        rows = [reading.view(m) for m in ticket.measurements.prefetch_related("results")[:10]]
        context = {
            "items": rows,
            "run_url": reverse("admin:diagnostics_measurement_run") + f"?ticket={ticket.pk}"
            if request.user.has_perm("diagnostics.add_measurement")
            else "",
        }
        return [Panel("diagnostics_admin", "admin/diagnostics/ticket_panel.html", context)]
