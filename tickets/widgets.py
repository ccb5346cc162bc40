"""The ticket panels of the client dashboard: counts, the tasks asked of the reader, the latest."""

from django.db.models import Count, Q

from . import queries
from .models import Ticket
from .states import OPEN_STATUSES, Status


def _tickets(request, organisation):
    return Ticket.objects.visible_to(request.user, organisation=organisation)


def counts(request, organisation) -> dict:
    return {
        "counts": _tickets(request, organisation).aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            waiting=Count("pk", filter=Q(status=Status.WAITING_ON_CLIENT)),
            resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
        )
    }


def tasks(request, organisation) -> dict:
    return {"tasks": list(queries.open_tasks_for(request.user, organisation)[:10])}


def recent(request, organisation) -> dict:
    tickets = _tickets(request, organisation).select_related("requester")
    return {"recent": list(tickets.order_by("-last_activity_at")[:5])}
