"""Hours banks and time entries: every change goes through here.

A billable entry adds its minutes to its period with one UPDATE on the period
row (used = used + n), so concurrent entries from several agents give the exact
total. The 80 % and 100 % events are claimed on that row, once each. Each entry
also counts in its ticket's totals for the period (PeriodTicket), added to in
one statement the same way, which the contract page reads.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import SUPERVISOR
from activity.models import Visibility
from activity.services import record_event

from . import periods
from .models import BankKind, BankPeriod, Contract, PeriodTicket, TimeEntry, TimeEntryRevision

MAX_ENTRY_MINUTES = 24 * 60
THRESHOLDS = ((80, "warned_80_at", "hours_bank_80"), (100, "warned_100_at", "hours_bank_100"))


def local_date(organisation, moment: datetime) -> date:
    return timezone.localtime(moment, ZoneInfo(organisation.timezone)).date()


def bank_contract_for(organisation, on: date) -> Contract | None:
    return (
        Contract.objects.active_on(on)
        .filter(organisation=organisation)
        .exclude(bank_kind=BankKind.NONE)
        .order_by("-start_date", "-pk")
        .first()
    )


def _minutes(hours: Decimal | None) -> int:
    return int((hours or Decimal(0)) * 60)


def _period(contract: Contract, on: date, create: bool) -> BankPeriod | None:
    bounds = periods.period_bounds(contract.bank_kind, contract.start_date, contract.end_date, on)
    if bounds is None:
        return None
    start, end = bounds
    existing = BankPeriod.objects.filter(contract=contract, start=start).first()
    if existing:
        return existing
    carried = 0
    if (
        contract.carry_over
        and contract.bank_kind != BankKind.ONE_OFF
        and start > contract.start_date
    ):
        previous = _period(contract, periods.previous_day(start), create)
        if previous is not None:
            carried = previous.available_minutes
            if contract.carry_over_cap_hours is not None:
                carried = min(carried, _minutes(contract.carry_over_cap_hours))
    figures = {
        "end": end,
        "allowance_minutes": _minutes(contract.bank_hours) + carried,
        "carried_minutes": carried,
    }
    if not create:
        return BankPeriod(contract=contract, start=start, **figures)
    # Under the (contract, start) unique constraint: concurrent callers get one row.
    period, _ = BankPeriod.objects.get_or_create(contract=contract, start=start, defaults=figures)
    return period


def period_for(contract: Contract, on: date) -> BankPeriod | None:
    """The bank period containing `on`, created (with its carry-over) when first needed."""
    return _period(contract, on, create=True)


def period_shown(contract: Contract, on: date) -> BankPeriod | None:
    """The period containing `on` for pages: the stored one, or an unsaved one with the
    figures it will be created with (pk None), so a GET never writes."""
    return _period(contract, on, create=False)


def current_period(contract: Contract, now=None) -> BankPeriod | None:
    return period_for(contract, local_date(contract.organisation, now or timezone.now()))


def current_period_shown(contract: Contract, now=None) -> BankPeriod | None:
    return period_shown(contract, local_date(contract.organisation, now or timezone.now()))


def open_current_periods(now=None) -> int:
    """Create today's period of every active bank that lacks it; returns how many were made.

    Run by beat after midnight so the period exists before anyone logs time; safe to run
    twice or concurrently (get_or_create under the unique constraint).
    """
    now = now or timezone.now()
    created = 0
    contracts = (
        Contract.objects.exclude(bank_kind=BankKind.NONE)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=(now - timedelta(days=1)).date()))
        .select_related("organisation")
    )
    for contract in contracts:
        on = local_date(contract.organisation, now)
        bounds = periods.period_bounds(
            contract.bank_kind, contract.start_date, contract.end_date, on
        )
        if bounds is None or BankPeriod.objects.filter(contract=contract, start=bounds[0]).exists():
            continue
        with transaction.atomic():
            period_for(contract, on)
        created += 1
    return created


def _check_entry(minutes, description, agent):
    if not agent.is_staff:
        raise ValidationError(_("Only support staff log time."))
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_ENTRY_MINUTES:
        raise ValidationError(_("A time entry lasts between 1 minute and 24 hours."))
    if not (description or "").strip():
        raise ValidationError(_("Say what was done."))


def _use(period: BankPeriod, delta: int, ticket) -> None:
    """Add `delta` minutes to the period in place, then raise the thresholds crossed."""
    if not delta:
        return
    BankPeriod.objects.filter(pk=period.pk).update(used_minutes=F("used_minutes") + delta)
    # The UPDATE holds the row lock until commit: the read and the claims below
    # see the total that includes every committed entry and this one.
    fresh = BankPeriod.objects.select_related("contract__organisation").get(pk=period.pk)
    if delta < 0 or not fresh.allowance_minutes:
        return
    for percent, field, verb in THRESHOLDS:
        if fresh.used_minutes * 100 >= percent * fresh.allowance_minutes:
            claimed = BankPeriod.objects.filter(pk=fresh.pk, **{f"{field}__isnull": True}).update(
                **{field: timezone.now()}
            )
            if claimed:
                record_event(
                    organisation=fresh.contract.organisation,
                    actor=None,
                    verb=verb,
                    target=fresh.contract,
                    data={
                        "contract": fresh.contract.name,
                        "used": round(fresh.used_minutes / 60, 1),
                        "allowance": round(fresh.allowance_minutes / 60, 1),
                        "number": ticket.number,
                    },
                )


_ADD_TO_TICKET_TOTALS = """
    INSERT INTO contracts_periodticket AS total
        (period_id, ticket_id, billable_minutes, other_minutes, entries, changed_at)
    VALUES (%s, %s, %s, %s, 1, %s)
    ON CONFLICT (period_id, ticket_id) DO UPDATE SET
        billable_minutes = total.billable_minutes + EXCLUDED.billable_minutes,
        other_minutes = total.other_minutes + EXCLUDED.other_minutes,
        entries = total.entries + 1,
        changed_at = GREATEST(total.changed_at, EXCLUDED.changed_at)
"""


def _count_in(period, entry) -> None:
    """Add `entry` to its ticket's totals for `period`, creating them with the first one.

    One statement (INSERT ... ON CONFLICT DO UPDATE), so entries logged at the
    same time on one ticket each count.
    """
    if period is None:
        return
    billable = entry.minutes if entry.billable else 0
    with connection.cursor() as cursor:
        cursor.execute(
            _ADD_TO_TICKET_TOTALS,
            [period.pk, entry.ticket_id, billable, entry.minutes - billable, entry.updated_at],
        )


def _count_out(period, ticket, minutes: int, billable: bool, when) -> None:
    """Take an entry as it was (`minutes`, `billable`) out of its ticket's totals for `period`."""
    if period is None:
        return
    mine = PeriodTicket.objects.filter(period=period, ticket=ticket)
    mine.update(
        billable_minutes=F("billable_minutes") - (minutes if billable else 0),
        other_minutes=F("other_minutes") - (0 if billable else minutes),
        entries=F("entries") - 1,
        changed_at=when,
    )
    # A ticket with no entry left in the period is not listed in it.
    mine.filter(entries=0).delete()


def recount_ticket_totals(period) -> None:
    """Rebuild `period`'s per-ticket totals from its entries, for entries loaded in bulk."""
    with transaction.atomic():
        PeriodTicket.objects.filter(period=period).delete()
        rows = (
            TimeEntry.objects.filter(period=period)
            .values("ticket_id")
            .annotate(
                billable_minutes=Sum("minutes", filter=Q(billable=True), default=0),
                other_minutes=Sum("minutes", filter=Q(billable=False), default=0),
                entries=Count("pk"),
                changed_at=Max("updated_at"),
            )
            .order_by()
        )
        PeriodTicket.objects.bulk_create(PeriodTicket(period=period, **row) for row in rows)


@transaction.atomic
def time_entry_add(
    *, ticket, agent, minutes: int, description: str, billable: bool = True, performed_at=None
) -> TimeEntry:
    _check_entry(minutes, description, agent)
    performed_at = performed_at or timezone.now()
    contract = bank_contract_for(ticket.organisation, local_date(ticket.organisation, performed_at))
    period = (
        period_for(contract, local_date(ticket.organisation, performed_at)) if contract else None
    )
    entry = TimeEntry.objects.create(
        ticket=ticket,
        period=period,
        agent=agent,
        performed_at=performed_at,
        minutes=minutes,
        description=description.strip(),
        billable=billable,
    )
    if period is not None and billable:
        _use(period, minutes, ticket)
    _count_in(period, entry)
    record_event(
        organisation=ticket.organisation,
        actor=agent,
        verb="time_logged",
        target=ticket,
        data={"number": ticket.number, "subject": ticket.subject, "minutes": minutes},
    )
    return entry


def can_edit(entry: TimeEntry, user, now=None, *, supervisor: bool | None = None) -> bool:
    """Its author and supervisors, for TIME_ENTRY_EDIT_DAYS after it was logged.

    `supervisor`: whether `user` is one, when the caller already knows (a list of
    entries asks once, not once per colleague's entry).
    """
    now = now or timezone.now()
    if now - entry.created_at > timedelta(days=settings.TIME_ENTRY_EDIT_DAYS):
        return False
    if user.pk == entry.agent_id or user.is_superuser:
        return True
    return supervisor if supervisor is not None else is_supervisor(user)


def is_supervisor(user) -> bool:
    return user.groups.filter(name=SUPERVISOR).exists()


@transaction.atomic
def time_entry_edit(
    *, entry, by, minutes: int, description: str, billable: bool, performed_at
) -> TimeEntry:
    entry = (
        TimeEntry.objects.select_for_update()
        .select_related("ticket__organisation")
        .get(pk=entry.pk)
    )
    if not can_edit(entry, by):
        raise ValidationError(
            ngettext(
                "Time entries can be changed by their author or a supervisor, for %(days)s day.",
                "Time entries can be changed by their author or a supervisor, for %(days)s days.",
                settings.TIME_ENTRY_EDIT_DAYS,
            )
            % {"days": settings.TIME_ENTRY_EDIT_DAYS}
        )
    _check_entry(minutes, description, by if by.is_staff else entry.agent)
    TimeEntryRevision.objects.create(
        entry=entry,
        changed_by=by,
        performed_at=entry.performed_at,
        minutes=entry.minutes,
        description=entry.description,
        billable=entry.billable,
    )
    ticket = entry.ticket
    old_period, old_used = entry.period, entry.minutes if entry.billable else 0
    contract = bank_contract_for(ticket.organisation, local_date(ticket.organisation, performed_at))
    new_period = (
        period_for(contract, local_date(ticket.organisation, performed_at)) if contract else None
    )
    new_used = minutes if billable else 0
    if old_period is not None:
        _use(old_period, -old_used, ticket)
    if new_period is not None:
        _use(new_period, new_used, ticket)
    old_minutes, old_billable = entry.minutes, entry.billable
    entry.period, entry.minutes, entry.description = new_period, minutes, description.strip()
    entry.billable, entry.performed_at, entry.updated_at = billable, performed_at, timezone.now()
    entry.save()
    # In, then out: within one period the ticket's totals never pass through no entry.
    _count_in(new_period, entry)
    _count_out(old_period, ticket, old_minutes, old_billable, entry.updated_at)
    record_event(
        organisation=ticket.organisation,
        actor=by,
        verb="time_entry_changed",
        target=ticket,
        visibility=Visibility.PUBLIC,
        data={"number": ticket.number, "subject": ticket.subject, "minutes": minutes},
    )
    return entry
