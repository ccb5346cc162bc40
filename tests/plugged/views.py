from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import services


@login_required
def notices(request):
    organisation = request.access.active
    if organisation is None:
        raise Http404
    rows = services.notices(organisation)[:20]
    return render(request, "plugged/notices.html", {"rows": rows, "organisation": organisation})


@login_required
def organisation_notices(request, organisation_id):
    # Any organisation the reader acts for; every other one is a 404.
    organisation = next((o for o in request.access.organisations if o.pk == organisation_id), None)
    if organisation is None:
        raise Http404
    rows = services.notices(organisation)[:20]
    return render(request, "plugged/notices.html", {"rows": rows, "organisation": organisation})
