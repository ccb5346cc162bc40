"""The client's managed resources: the list with its filters and costs, a resource's page,
its CSV, and the resources a ticket concerns.

Everything reads through Resource.objects.visible_to(user, organisation=); a
resource out of reach is a 404. Prices are shown only where
models.prices_visible(request.access) says so, on every page and in the CSV.
"""

import csv
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import SESSION_KEY
from audit.services import record_export
from core.plugins import panels
from tickets.models import Ticket
from tickets.states import Status as TicketStatus

from . import queries, services
from .models import Resource, Status, is_number, prices_visible

PAGE_SIZE = 50


def _organisation(request):
    if request.user.is_staff or request.access.active is None:
        raise Http404
    return request.access.active


def _get(request, number) -> Resource:
    _organisation(request)
    resource = (
        Resource.objects.visible_to(request.user)
        .select_related("service", "organisation")
        .filter(number=number)
        .first()
    )
    if resource is None:
        raise Http404
    if resource.organisation_id != request.access.active.pk:
        # A link from another of the reader's organisations: act for that one.
        request.session[SESSION_KEY] = resource.organisation_id
        request.access.active = next(
            (o for o in request.access.organisations if o.pk == resource.organisation_id),
            request.access.active,
        )
    return resource


@login_required
@require_GET
def resource_list(request):
    organisation = _organisation(request)
    visible = Resource.objects.visible_to(request.user, organisation=organisation)
    filters = queries.Filters.from_query(request.GET, visible)
    resources = filters.apply(visible).select_related("service")
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    show_prices = prices_visible(request.access)
    context = {
        "page": page,
        "resources": page.object_list,
        "filters": filters,
        "kinds": [
            (kind, label, n, filters.urlencode(kind=kind, page=""))
            for kind, label, n in queries.counts_by_kind(visible)
        ],
        "all_kinds_query": filters.urlencode(kind=""),
        "statuses": Status.choices,
        "costs": queries.monthly_costs(visible) if show_prices else None,
        "show_prices": show_prices,
        "expiring_count": queries.expiring_count(visible),
        "query_without_page": filters.urlencode(),
    }
    if request.htmx and request.GET.get("partial") == "results":
        return render(request, "inventory/_results.html", context)
    return render(request, "inventory/list.html", context)


@login_required
@require_GET
def resource_csv(request):
    organisation = _organisation(request)
    visible = Resource.objects.visible_to(request.user, organisation=organisation)
    filters = queries.Filters.from_query(request.GET, visible)
    resources = filters.apply(visible).select_related("service")
    show_prices = prices_visible(request.access)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resources-{organisation.slug}.csv"'
    writer = csv.writer(response)
    head = [
        _("Number"),
        _("Kind"),
        _("Name"),
        _("Status"),
        _("Service"),
        _("Location or site"),
        _("Serial number"),
        _("Asset tag"),
        _("Assigned on"),
        _("Expires on"),
    ]
    if show_prices:
        head += [_("Rental price"), _("Currency"), _("Price period")]
    writer.writerow(head)
    count = 0
    for resource in resources.iterator(chunk_size=500):
        count += 1
        row = [
            resource.number,
            capfirst(resource.get_kind_display()),
            queries.csv_safe(resource.name),
            resource.get_status_display(),
            queries.csv_safe(str(resource.service or "")),
            queries.csv_safe(resource.site),
            queries.csv_safe(resource.serial),
            queries.csv_safe(resource.asset_tag),
            resource.assigned_on or "",
            resource.expires_on or "",
        ]
        if show_prices:
            row += [
                resource.price if resource.price is not None else "",
                resource.currency,
                resource.get_price_period_display(),
            ]
        writer.writerow(row)
    record_export(
        request=request,
        what="inventory.Resource",
        file_format="csv",
        rows=count,
        organisation=organisation,
    )
    return response


@login_required
@require_GET
def resource_detail(request, number):
    resource = _get(request, number)
    organisation = request.access.active
    tickets = list(
        Ticket.objects.visible_to(request.user, organisation=organisation)
        .filter(resource_links__resource=resource)
        .order_by("-created_at")[:20]
    )
    # resource_id too: the related manager reads it on each row to attach the resource.
    history = list(
        resource.changes.exclude(status_after="").only(
            "resource_id", "at", "status_before", "status_after"
        )[:20]
    )
    new_ticket = {"resource": resource.number}
    if resource.service_id:
        new_ticket["service"] = resource.service_id
    context = {
        "resource": resource,
        "show_prices": prices_visible(request.access),
        "tickets": tickets,
        "history": history,
        "panels": panels(request, organisation, page="resource", resource=resource),
        "new_ticket_url": f"{reverse('tickets:create')}?{urlencode(new_ticket)}",
        "list_url": reverse("inventory:list"),
    }
    return render(request, "inventory/detail.html", context)


# The resources a ticket concerns -------------------------------------------------------

PICKED = 10
TICKET_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")


@login_required
@require_GET
def pick(request):
    """Resources matching what the client types, to name on a new ticket or add to one."""
    organisation = _organisation(request)
    ticket = None
    if request.GET.get("ticket"):
        if not TICKET_NUMBER.fullmatch(request.GET["ticket"]):
            raise Http404
        ticket = _ticket(request, request.GET["ticket"])
        organisation = ticket.organisation
    else:
        wanted = request.GET.get("organisation", "")
        organisation = next(
            (o for o in request.access.organisations if str(o.pk) == wanted), organisation
        )
    text = (request.GET.get("resource_q") or request.GET.get("q") or "").replace("\x00", "")
    text = " ".join(text.split())[: queries.SEARCH_MAX]
    found = []
    if text:
        resources = Resource.objects.visible_to(request.user, organisation=organisation).exclude(
            status=Status.RETIRED
        )
        if ticket is not None:
            resources = resources.exclude(ticket_links__ticket=ticket)
        found = list(
            queries.Filters(q=text)
            .apply(resources)
            .order_by("name", "pk")
            .only("pk", "number", "name", "kind")[:PICKED]
        )
    return render(
        request,
        "inventory/_pick_results.html",
        {"found": found, "ticket": ticket, "searched": bool(text)},
    )


def _ticket(request, number) -> Ticket:
    organisation = _organisation(request)
    ticket = Ticket.objects.visible_to(request.user, organisation=organisation).filter(
        number=number
    )
    ticket = ticket.first()
    if ticket is None:
        raise Http404
    return ticket


@login_required
@require_POST
def ticket_add(request, ticket):
    ticket = _ticket(request, ticket)
    if ticket.status == TicketStatus.CLOSED:
        messages.error(request, _("This ticket is closed: its resources no longer change."))
        return redirect(ticket)
    numbers = [n for n in request.POST.getlist("resource")[:20] if is_number(n)]
    resources = list(
        Resource.objects.visible_to(request.user, organisation=ticket.organisation)
        .exclude(status=Status.RETIRED)
        .filter(number__in=numbers)
    )
    if not resources:
        messages.error(request, _("Choose one of your organisation's resources."))
        return redirect(ticket)
    try:
        services.ticket_resources_add(ticket=ticket, resources=resources, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The ticket names the resource now."))
    return redirect(ticket)


@login_required
@require_POST
def ticket_remove(request, ticket, number):
    ticket = _ticket(request, ticket)
    if ticket.status == TicketStatus.CLOSED:
        messages.error(request, _("This ticket is closed: its resources no longer change."))
        return redirect(ticket)
    resource = (
        Resource.objects.visible_to(request.user, organisation=ticket.organisation)
        .filter(number=number, ticket_links__ticket=ticket)
        .first()
    )
    if resource is None:
        raise Http404
    services.ticket_resource_remove(ticket=ticket, resource=resource, by=request.user)
    messages.success(request, _("The ticket no longer names %(name)s.") % {"name": resource.name})
    return redirect(ticket)
