"""The client's measurements: a measurement's page, live while it runs, and its raw results.

Everything reads through Measurement.objects.visible_to(user, organisation=); a
measurement out of reach (another organisation's, an internal one, one of a
ticket the reader cannot open) is a 404.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import SESSION_KEY

from . import reading
from .models import Measurement


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
    return render(request, "diagnostics/detail.html", context)


@login_required
@require_GET
def raw(request, number):
    measurement = _get(request, number)
    body = json.dumps([row.raw for row in measurement.results.all()], indent=1)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{measurement.number}.json"'
    return response
