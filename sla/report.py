"""The monthly SLA report: per priority, how the response and resolution targets went.

One organisation and one calendar month in the organisation's time zone; the
clocks counted are those of the tickets opened in that month, whatever
happened to them later. A clock is
- met on time: met, never breached;
- breached: its deadline passed before it was met (met late, or still open
  past its deadline, whether or not the sweep has recorded it yet);
- still running: neither yet (a paused clock counts here).
A merged duplicate's clocks that were still open are stopped: its conversation
goes on in the surviving ticket, so they count nowhere, unless they had already
been met or breached.
The share met is of the clocks decided so far (met on time + breached).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tickets.states import PRIORITY_RANK, Priority

from .models import Kind, TicketClock

KINDS = {Kind.FIRST_RESPONSE: _("Response"), Kind.RESOLUTION: _("Resolution")}
OUTCOMES = {
    "met": _("met on time"),
    "breached": _("breached"),
    "running": _("still running"),
}
SHARE = _("met (%)")
OUTCOME_LABELS = [*OUTCOMES.values(), SHARE]
# Flat column names, as in the CSV: "Response: met on time", ...
REPORT_COLUMNS = [
    format_lazy("{}: {}", kind_label, outcome_label)
    for kind_label in KINDS.values()
    for outcome_label in OUTCOME_LABELS
]
PRIORITIES = sorted(Priority.values, key=PRIORITY_RANK.__getitem__, reverse=True)


@dataclass(frozen=True)
class Outcome:
    met: int = 0
    breached: int = 0
    running: int = 0

    @property
    def share_met(self) -> float | None:
        decided = self.met + self.breached
        return round(100 * self.met / decided, 1) if decided else None

    def __add__(self, other):
        return Outcome(
            self.met + other.met, self.breached + other.breached, self.running + other.running
        )

    @property
    def decided(self) -> int:
        return self.met + self.breached

    def values(self) -> list:
        return [self.met, self.breached, self.running, self.share_met]


@dataclass(frozen=True)
class ReportRow:
    priority: str | None  # None: the total of every priority
    response: Outcome
    resolution: Outcome

    @property
    def label(self):
        return Priority(self.priority).label if self.priority else _("All priorities")

    @property
    def outcomes(self) -> list[Outcome]:
        return [self.response, self.resolution]


def month_bounds(organisation, year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, in the organisation's time zone."""
    zone = ZoneInfo(organisation.timezone)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=zone), datetime(*following, 1, tzinfo=zone)


def _outcome_filters(now) -> dict[str, Q]:
    still_open = Q(met_at__isnull=True, stopped_at__isnull=True)
    return {
        "met": Q(met_at__isnull=False, breached_at__isnull=True),
        "breached": Q(breached_at__isnull=False) | (still_open & Q(due_at__lte=now)),
        "running": still_open
        & Q(breached_at__isnull=True)
        & (Q(due_at__isnull=True) | Q(due_at__gt=now)),
    }


def monthly_report(organisation, year: int, month: int, *, now=None) -> list[ReportRow]:
    """One row per priority, most urgent first, then the total. One query."""
    start, end = month_bounds(organisation, year, month)
    filters = _outcome_filters(now or timezone.now())
    counts = {
        f"{kind}__{outcome}": Count("pk", filter=Q(kind=kind) & condition)
        for kind in KINDS
        for outcome, condition in filters.items()
    }
    found = {
        row["ticket__priority"]: row
        for row in TicketClock.objects.filter(
            ticket__organisation=organisation,
            ticket__created_at__gte=start,
            ticket__created_at__lt=end,
            kind__in=list(KINDS),
        )
        .values("ticket__priority")
        .annotate(**counts)
        .order_by()
    }

    def outcome(priority, kind):
        row = found.get(priority, {})
        return Outcome(**{name: row.get(f"{kind}__{name}", 0) for name in OUTCOMES})

    rows = [
        ReportRow(
            priority,
            outcome(priority, Kind.FIRST_RESPONSE),
            outcome(priority, Kind.RESOLUTION),
        )
        for priority in PRIORITIES
    ]
    total = ReportRow(
        None,
        sum((row.response for row in rows), Outcome()),
        sum((row.resolution for row in rows), Outcome()),
    )
    return [*rows, total]


def report_table(rows: list[ReportRow]) -> list[tuple[str, list]]:
    """(label, values in REPORT_COLUMNS order) per row: what the page and the CSV show."""
    return [
        (str(row.label), [value for outcome in row.outcomes for value in outcome.values()])
        for row in rows
    ]
