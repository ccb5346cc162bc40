"""Figures for the client manager's dashboard: how the SLA went this month."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from tickets.states import Priority

from .models import Kind, TicketClock


def month_bounds(organisation, now=None) -> tuple[datetime, datetime]:
    """The current month in the organisation's time zone, as aware datetimes."""
    from zoneinfo import ZoneInfo

    local = timezone.localtime(now or timezone.now(), ZoneInfo(organisation.timezone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def month_share(organisation, now=None) -> list[dict]:
    """Per priority: how many response and resolution targets were met on time this month.

    Only decided clocks count (met, or breached); a clock still running is not
    yet a success or a failure.
    """
    start, end = month_bounds(organisation, now)
    rows = (
        TicketClock.objects.filter(
            ticket__organisation=organisation,
            ticket__created_at__gte=start,
            ticket__created_at__lt=end,
            kind__in=[Kind.FIRST_RESPONSE, Kind.RESOLUTION],
            stopped_at__isnull=True,
        )
        .values("ticket__priority", "kind")
        .annotate(
            on_time=Count("pk", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
            breached=Count("pk", filter=Q(breached_at__isnull=False)),
        )
    )
    table = {
        priority: {"priority": priority, "label": label} for priority, label in Priority.choices
    }
    for row in rows:
        decided = row["on_time"] + row["breached"]
        table[row["ticket__priority"]][row["kind"]] = {
            "on_time": row["on_time"],
            "decided": decided,
            "share": round(100 * row["on_time"] / decided) if decided else None,
        }
    order = [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW]
    return [table[p] for p in order if len(table[p]) > 2]
