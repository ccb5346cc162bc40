"""The client's measurements: a measurement's page, live while it runs, and its raw results.

Everything reads through Measurement.objects.visible_to(user, organisation=); a
measurement out of reach (another organisation's, an internal one, one of a
ticket the reader cannot open) is a 404.
"""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SESSION_KEY
from audit.services import record_export
from tickets.models import Ticket

from . import reading, services
from .forms import ClientRunForm
from .models import Measurement, OrganisationRules


def _get(request, number) -> Measurement:
    if request.user.is_staff or request.access.active is None:
        raise Http404
    measurement = (
        Measurement.objects.visible_to(request.user)
        .select_related("ticket", "requested_by")
        .filter(number=number)
        .first()
    )
    if measurement is None:
        raise Http404
    if measurement.organisation_id != request.access.active.pk:
        request.session[SESSION_KEY] = measurement.organisation_id
    return measurement


@login_required
@require_GET
def detail(request, number):
    measurement = _get(request, number)
    context = reading.view(measurement)
    if request.htmx and request.GET.get("line"):
        # The line of the ticket page's card, polled while it runs.
        return render(request, "diagnostics/_line.html", {"item": context})
    if request.htmx:
        return render(request, "diagnostics/_results.html", context)
    rules = _rules(measurement.organisation)
    context["may_run"] = bool(rules and rules.clients_may_run)
    return render(request, "diagnostics/detail.html", context)


@login_required
@require_GET
def raw(request, number):
    measurement = _get(request, number)
    body = json.dumps([row.raw for row in measurement.results.all()], indent=1)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{measurement.number}.json"'
    return response


def _rules(organisation):
    return OrganisationRules.objects.filter(organisation=organisation).first()


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """The organisation's measurements the reader may see, and the run form if allowed."""
    if request.user.is_staff or request.access.active is None:
        raise Http404
    organisation = request.access.active
    rules = _rules(organisation)
    may_run = bool(rules and rules.clients_may_run)
    tickets = Ticket.objects.visible_to(request.user, organisation=organisation).open()
    tickets = list(tickets.order_by("-created_at")[:50])
    # A resource's page links here with its host ("Measure it").
    initial = {"ticket": request.GET.get("ticket", ""), "target": request.GET.get("target", "")}
    form = ClientRunForm(request.POST or None, tickets=tickets, initial=initial)
    if request.method == "POST":
        if not may_run:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            ticket = next((t for t in tickets if t.number == data["ticket"]), None)
            try:
                measurement = services.measurement_start(
                    organisation=organisation,
                    by=request.user,
                    kind=data["kind"],
                    target=data["target"] or None,
                    options=form.options(),
                    ticket=ticket,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(
                    request, _("Sent to RIPE Atlas: the results appear here as probes report.")
                )
                return redirect(measurement)
    measurements = (
        Measurement.objects.visible_to(request.user, organisation=organisation)
        .select_related("ticket")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "diagnostics/home.html",
        {"form": form, "may_run": may_run, "rules": rules, "measurements": measurements},
    )


@login_required
@require_POST
def rerun(request, number):
    measurement = _get(request, number)
    try:
        again = services.measurement_rerun(measurement=measurement, by=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(measurement)
    return redirect(again)


@login_required
@require_GET
def compare(request, number, other):
    first, second = _get(request, number), _get(request, other)
    return render(
        request,
        "diagnostics/compare.html",
        {"runs": [reading.view(first), reading.view(second)]},
    )


@login_required
@require_GET
def results_csv(request, number):
    measurement = _get(request, number)
    view = reading.view(measurement)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{measurement.number}.csv"'
    writer = csv.writer(response)
    columns = ["probe_id", "country", "time", "from", "error"]
    extra = {
        "ping": ["sent", "received", "loss", "rtt_min", "rtt_avg", "rtt_max", "rtt_median"],
        "traceroute": ["reached", "hop_count", "last_rtt"],
        "sslcert": ["tls_version", "days_left", "rt"],
    }.get(measurement.kind, [])
    writer.writerow(columns + extra)
    for item in view["results"]:
        writer.writerow([item.get(name, "") for name in columns + extra])
    record_export(
        request=request,
        what="diagnostics results",
        file_format="csv",
        rows=len(view["results"]),
        target=measurement,
        organisation=measurement.organisation,
    )
    return response
