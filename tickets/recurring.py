"""When a recurring ticket is due, and the sweep that opens it.

The calendar rules are pure functions of a template and a moment. They work on
the organisation's wall clock, so "Mondays at 09:00" stays 09:00 for the client
across daylight-saving changes, and return aware UTC datetimes for storage.

Periods are calendar weeks (ISO, Monday first), months and quarters. A
quarterly template runs in the same month of each quarter as its start date
(start in February: February, May, August, November).

The sweep opens at most one ticket per template and period: the RecurringRun
row, unique on (template, period), is inserted before the ticket in the same
transaction, so a second sweep, concurrent or late, cannot insert it again and
opens nothing.
"""

import calendar
import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import services
from .models import RecurringRun, RecurringTicket, Ticket

log = logging.getLogger(__name__)

Frequency = RecurringTicket.Frequency
_MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}


# Calendar rules (pure) -------------------------------------------------------


def _local_date(template, moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        if timezone.is_naive(moment):
            raise ValueError("Recurring schedules need aware datetimes.")
        return moment.astimezone(ZoneInfo(template.organisation.timezone)).date()
    return moment


def _period_start(template, day: date) -> date:
    if template.frequency == Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if template.frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _shift(template, start: date, periods: int) -> date:
    if template.frequency == Frequency.WEEKLY:
        return start + timedelta(weeks=periods)
    return _add_months(start, periods * _MONTHS_PER_PERIOD[template.frequency])


def _occurrence_date(template, start: date) -> date:
    """The day the template runs in the period beginning on `start`."""
    if template.frequency == Frequency.WEEKLY:
        weekday = (
            template.weekday if template.weekday is not None else template.start_date.weekday()
        )
        return start + timedelta(days=weekday)
    month = start
    if template.frequency == Frequency.QUARTERLY:
        month = _add_months(start, (template.start_date.month - 1) % 3)
    wanted = template.day_of_month or template.start_date.day
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(wanted, last))


def _at(template, day: date) -> datetime:
    # fold=0: an ambiguous wall time (clocks going back) is its first instance;
    # one that does not exist (clocks going forward) runs as late as the gap,
    # e.g. 02:30 becomes 03:30, rather than being skipped.
    local = datetime.combine(day, template.time, tzinfo=ZoneInfo(template.organisation.timezone))
    return local.astimezone(UTC)


def period_key(template, moment: date | datetime) -> str:
    """The period containing `moment` on the organisation's calendar: 2026-W48, 2026-11, 2026-Q4."""
    day = _local_date(template, moment)
    if template.frequency == Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if template.frequency == Frequency.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def occurrence_in_period(template, moment: date | datetime) -> datetime:
    """When the template runs in the period containing `moment` (aware, UTC).

    Ignores start_date: this is the calendar rule alone.
    """
    start = _period_start(template, _local_date(template, moment))
    return _at(template, _occurrence_date(template, start))


def next_occurrence(template, after: datetime) -> datetime:
    """The first run strictly after `after`, never before the start date (aware, UTC)."""
    start = _period_start(template, max(_local_date(template, after), template.start_date))
    while True:
        day = _occurrence_date(template, start)
        if day >= template.start_date and (moment := _at(template, day)) > after:
            return moment
        start = _shift(template, start, 1)


def _latest(template, now: datetime) -> tuple[str, datetime] | None:
    """The period and time of the most recent run at or before `now`, if any."""
    start = _period_start(template, _local_date(template, now))
    for _attempt in range(2):
        day = _occurrence_date(template, start)
        moment = _at(template, day)
        if moment <= now:
            if day < template.start_date:
                return None
            return period_key(template, day), moment
        start = _shift(template, start, -1)
    return None


def previous_occurrence(template, now: datetime) -> datetime | None:
    """The most recent run at or before `now` (aware, UTC), None before the first one."""
    latest = _latest(template, now)
    return latest[1] if latest else None


# Services ---------------------------------------------------------------------


def _pending_or_next(template, now: datetime) -> datetime:
    latest = _latest(template, now)
    if latest and not RecurringRun.objects.filter(template=template, period=latest[0]).exists():
        # The latest period has no ticket yet: due now, so the next sweep opens it.
        return latest[1]
    return next_occurrence(template, now)


def recurring_schedule(*, template: RecurringTicket, now: datetime | None = None) -> datetime:
    """(Re)compute when the template runs next; call after creating or editing it.

    If this period's run has not happened yet (a start date in the past, or a
    time moved later today), the template is due at once and the sweep opens
    that one ticket; a period that already has its ticket is never run again.
    """
    now = now or timezone.now()
    template.next_run_at = _pending_or_next(template, now)
    RecurringTicket.objects.filter(pk=template.pk).update(next_run_at=template.next_run_at)
    return template.next_run_at


def _claim(template, period: str) -> RecurringRun | None:
    try:
        with transaction.atomic():
            return RecurringRun.objects.create(template=template, period=period)
    except IntegrityError:
        # Another sweep has this period (it may still be committing: the insert
        # waited for it). Nothing to do.
        return None


def _open(template, now: datetime) -> Ticket | None:
    latest = _latest(template, now)
    ticket = None
    with transaction.atomic():
        run = _claim(template, latest[0]) if latest else None
        if run is not None:
            ticket = services.ticket_open(
                organisation=template.organisation,
                requester=template.requester,
                subject=template.subject,
                description=template.description,
                request_type=template.request_type,
                category=template.category,
                priority=template.priority,
                priority_by_staff=True,
                verb="recurring_ticket_opened",
            )
            RecurringRun.objects.filter(pk=run.pk).update(ticket=ticket)
        # After downtime the missed periods before `latest` are not replayed:
        # the next run is the first one after now. Compare-and-set so a sweep
        # that read the template before another one moved it changes nothing.
        RecurringTicket.objects.filter(pk=template.pk, next_run_at=template.next_run_at).update(
            next_run_at=next_occurrence(template, now)
        )
    return ticket


def recurring_run_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Open the tickets of every active template that is due; return how many were opened.

    Safe to run twice and concurrently. Reads only due templates (indexed
    next_run_at), plus those never scheduled.
    """
    now = now or timezone.now()
    templates = RecurringTicket.objects.filter(
        is_active=True, organisation__is_active=True
    ).select_related("organisation", "requester", "request_type", "category")
    for template in templates.filter(next_run_at__isnull=True)[:limit]:
        recurring_schedule(template=template, now=now)
    opened = 0
    for template in templates.filter(next_run_at__lte=now).order_by("next_run_at", "pk")[:limit]:
        try:
            opened += _open(template, now) is not None
        except Exception:
            # One broken template must not stop the others; it stays due, so it
            # is retried (and logged) on every sweep until someone fixes it.
            log.exception("recurring ticket %s: could not open its ticket", template.pk)
    return opened
