"""A client's managers read their organisation's results of a form shared with them.

Only forms marked "shared with the client", only the organisation the reader acts
for, only managers and partners (who see the whole organisation): anything else is
a 404, as a form that does not exist. The page never says who wrote an answer,
whether or not the form is anonymous.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Form, Response
from .results import FilterForm, Filters, compute


def _shared_form(request, form_id) -> Form:
    organisation = request.access.active
    if request.user.is_staff or organisation is None:
        raise Http404
    if not request.access.sees_whole_organisation:
        raise Http404
    form = (
        Form.objects.filter(
            pk=form_id, shared_with_client=True, sendings__organisation=organisation
        )
        .distinct()
        .first()
    )
    if form is None:
        raise Http404
    return form


@login_required
@require_GET
def shared_results(request, form_id):
    form = _shared_form(request, form_id)
    organisation = request.access.active
    filters = FilterForm(request.GET or None, form=form, staff=False)
    valid = not filters.is_bound or filters.is_valid()
    mine = {"organisations": (organisation.pk,)}
    chosen = filters.filters(**mine) if filters.is_bound and valid else Filters(**mine)
    responses = Response.objects.shared_with(request.user, organisation=organisation)
    results = compute(form, chosen, responses=responses, people=False) if valid else None
    return render(
        request,
        "surveys/results.html",
        {"form": form, "filters": filters, "results": results},
        status=200 if valid else 400,
    )
