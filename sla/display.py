"""The SLA as a client reads it: per ticket, each deadline with its mark and time left."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from . import rules
from .models import Kind, TicketClock
from .services import calendar_by_version

SHOWN = (Kind.FIRST_RESPONSE, Kind.RESOLUTION)
# Support's own targets, shown to staff only (the admin's ticket page).
STAFF_ONLY = (Kind.ACKNOWLEDGEMENT,)
DASH = "\u2013"  # an en dash between the ends of a range
WEEKDAYS = [
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
]


@dataclass
class Deadline:
    kind: str
    label: str
    mark: str
    mark_label: str
    due_at: datetime | None
    met_at: datetime | None
    remaining: timedelta | None


# What a deadline shows of its clock; with the calendar's id and version, not its row.
CLOCK_FIELDS = (
    "ticket_id",
    "kind",
    "target",
    "elapsed",
    "running_since",
    "due_at",
    "warn_at",
    "met_at",
    "breached_at",
    "stopped_at",
)


def _deadline(clock, now) -> Deadline:
    calendar = calendar_by_version(clock.calendar_pk, clock.calendar_version)
    mark = rules.mark(clock, now)
    return Deadline(
        kind=clock.kind,
        label=Kind(clock.kind).label,
        mark=mark,
        mark_label=rules.Mark(mark).label,
        due_at=clock.due_at if clock.running_since is not None or clock.met_at else None,
        met_at=clock.met_at,
        remaining=rules.remaining(clock, now, calendar),
    )


def deadlines_for(tickets, now=None, kinds=SHOWN) -> dict[int, list[Deadline]]:
    """The deadlines of many tickets, in one query: by default those the client sees."""
    now = now or timezone.now()
    ids = [t.pk for t in tickets]
    found: dict[int, list[Deadline]] = {pk: [] for pk in ids}
    clocks = (
        TicketClock.objects.filter(ticket_id__in=ids, kind__in=kinds, stopped_at__isnull=True)
        .only(*CLOCK_FIELDS)
        .annotate(
            calendar_pk=F("policy__calendar_id"),
            calendar_version=F("policy__calendar__updated_at"),
        )
        .order_by("ticket_id", "kind")
    )
    for clock in clocks:
        found[clock.ticket_id].append(_deadline(clock, now))
    return found


def describe_hours(policy) -> str:
    """e.g. 'Mon-Fri 09:00-13:00, 14:00-18:00 (America/Santiago)', with en dashes."""
    source = policy.calendar
    if source.always_open:
        text = _("24 hours a day, 7 days a week")
    else:
        by_day: dict[int, list[str]] = {}
        for hours in source.hours.all():
            end = "24:00" if hours.end_minute == 24 * 60 else f"{hours.end:%H:%M}"
            by_day.setdefault(hours.weekday, []).append(f"{hours.start:%H:%M}{DASH}{end}")
        groups: list[tuple[list[int], str]] = []
        for day in sorted(by_day):
            spans = ", ".join(by_day[day])
            if groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], spans))
        text = "; ".join(
            (f"{WEEKDAYS[d[0]]}{DASH}{WEEKDAYS[d[-1]]}" if len(d) > 1 else WEEKDAYS[d[0]]) + f" {s}"
            for d, s in groups
        )
    text += f" ({source.timezone})"
    if source.country:
        text += "; " + _("public holidays of %(country)s excluded") % {"country": source.country}
    return text


def format_business_time(value: timedelta | None) -> str:
    """'2 hours left', '1 minute late': one sentence per shape, so each language
    agrees its verb with the number ("queda 1 minuto", "quedan 5 minutos")."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    values = {"hours": hours, "minutes": minutes}
    if value < timedelta(0):
        if hours and minutes:
            return _("%(hours)s h %(minutes)s min late") % values
        if hours:
            return ngettext("%(hours)s hour late", "%(hours)s hours late", hours) % values
        return ngettext("%(minutes)s minute late", "%(minutes)s minutes late", minutes) % values
    if hours and minutes:
        return _("%(hours)s h %(minutes)s min left") % values
    if hours:
        return ngettext("%(hours)s hour left", "%(hours)s hours left", hours) % values
    return ngettext("%(minutes)s minute left", "%(minutes)s minutes left", minutes) % values
