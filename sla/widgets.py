"""The SLA's panel of the client dashboard: this month's figures and the tickets at risk now."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from tickets.models import Ticket

from .display import SHOWN
from .queries import mark_filters, with_marks
from .report import monthly_report
from .rules import Mark


def month(request, organisation) -> dict:
    tickets = Ticket.objects.visible_to(request.user, organisation=organisation)
    now = timezone.now()
    local = timezone.localtime(now, ZoneInfo(organisation.timezone))
    rows = monthly_report(organisation, local.year, local.month, now=now)
    # The marks of the targets clients see (first response, resolution), as
    # their tickets show them; the queue's also count the internal acknowledgement.
    marked, marks = with_marks(tickets.open(), kinds=SHOWN), mark_filters(now)
    return {
        # Priorities with nothing decided or running yet are left out.
        "sla_month": [
            row
            for row in rows[:-1]
            if row.response.decided + row.response.running + row.resolution.decided
        ],
        "at_risk": list(marked.filter(marks[Mark.AT_RISK]).order_by("sla_due_at")[:10]),
        "breached_now": marked.filter(marks[Mark.BREACHED]).count(),
    }
