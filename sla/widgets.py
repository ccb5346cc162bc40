"""The SLA's panel of the client dashboard: this month's figures and the tickets at risk now."""

from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef
from django.utils import timezone

from tickets.models import Ticket

from .display import SHOWN
from .models import TicketClock
from .report import monthly_report


def month(request, organisation) -> dict:
    tickets = Ticket.objects.visible_to(request.user).filter(organisation=organisation)
    now = timezone.now()
    local = timezone.localtime(now, ZoneInfo(organisation.timezone))
    rows = monthly_report(organisation, local.year, local.month, now=now)
    # Judged by the targets clients see (first response, resolution); the
    # ticket's own nearest deadline also counts the internal acknowledgement.
    shown = TicketClock.objects.running().filter(ticket=OuterRef("pk"), kind__in=SHOWN)
    return {
        # Priorities with nothing decided or running yet are left out.
        "sla_month": [
            row
            for row in rows[:-1]
            if row.response.decided + row.response.running + row.resolution.decided
        ],
        "at_risk": list(
            tickets.open()
            .filter(Exists(shown.filter(warn_at__lte=now, due_at__gt=now)))
            .exclude(Exists(shown.filter(due_at__lte=now)))
            .order_by("sla_due_at")[:10]
        ),
        "breached_now": tickets.open().filter(Exists(shown.filter(due_at__lte=now))).count(),
    }
