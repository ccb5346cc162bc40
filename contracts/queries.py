"""Reads for the client's contract pages, always from `Contract.objects.visible_to()`.

Contracts carry hours and prices, which are manager information: managers and
partners (for their assigned clients) see their organisations' contracts;
plain members see none, so every contract URL is a 404 for them. What belongs
to a contract (bank periods, time entries, objectives) is read through it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Prefetch, Sum
from django.utils import timezone

from tickets.models import Ticket
from tickets.states import DONE_STATUSES

from . import services
from .models import BankKind, BankPeriod, Contract, Objective, PeriodTicket, Service, TimeEntry

# The per-ticket breakdown on the page; the statement lists every ticket.
TICKETS_SHOWN = 50


def contract_list(user, organisation):
    return (
        Contract.objects.visible_to(user, organisation=organisation)
        .select_related("sla_policy")
        .annotate(objective_count=Count("objectives"))
        .order_by("-start_date", "-pk")
    )


def periods_on(contracts, day: date) -> dict[int, BankPeriod]:
    """The bank period containing `day` for each contract that has one yet, in one query."""
    found = BankPeriod.objects.filter(
        contract__in=[c for c in contracts if c.bank_kind != BankKind.NONE],
        start__lte=day,
        end__gt=day,
    )
    return {period.contract_id: period for period in found}


def current_bank(user, organisation):
    """(contract, period) of the hours bank in effect today for the dashboard, or None."""
    today = services.local_date(organisation, timezone.now())
    contract = (
        Contract.objects.visible_to(user, organisation=organisation)
        .active_on(today)
        .exclude(bank_kind=BankKind.NONE)
        .order_by("-start_date", "-pk")
        .first()
    )
    if contract is None:
        return None
    contract.organisation = organisation
    return contract, services.period_shown(contract, today)


def contract_for_page(user, pk) -> Contract:
    return Contract.objects.visible_to(user).select_related("organisation", "sla_policy").get(pk=pk)


def bank_periods(contract) -> list[BankPeriod]:
    """Every period of the bank so far, newest first (for the period picker)."""
    return list(BankPeriod.objects.filter(contract=contract).order_by("-start"))


def services_of(user, organisation):
    return Service.objects.visible_to(user, organisation=organisation).order_by("status", "name")


def _entries(period):
    """The period's entries; none for a period not created yet (shown, not stored)."""
    if period.pk is None:
        return TimeEntry.objects.none()
    return TimeEntry.objects.filter(period=period)


@dataclass
class TicketTotal:
    ticket_id: int
    number: str
    subject: str
    status: str
    billable_minutes: int
    other_minutes: int
    entries: int


def _ticket_totals(period):
    """The period's per-ticket totals, kept with each entry (PeriodTicket)."""
    if period is None or period.pk is None:
        return PeriodTicket.objects.none()
    return PeriodTicket.objects.filter(period=period)


def ticket_totals(period, limit: int | None = None) -> list[TicketTotal]:
    """Minutes per ticket in the period, most hours first: one row per ticket, not per entry."""
    rows = (
        _ticket_totals(period)
        .values(
            "ticket_id",
            "ticket__number",
            "ticket__subject",
            "ticket__status",
            "billable_minutes",
            "other_minutes",
            "entries",
        )
        .order_by("-billable_minutes", "-other_minutes", "ticket__number")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        TicketTotal(
            ticket_id=row["ticket_id"],
            number=row["ticket__number"],
            subject=row["ticket__subject"],
            status=row["ticket__status"],
            billable_minutes=row["billable_minutes"],
            other_minutes=row["other_minutes"],
            entries=row["entries"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PeriodFigures:
    """How many entries and tickets a period has, and when its entries last changed."""

    entries: int = 0
    tickets: int = 0
    latest: datetime | None = None


def period_figures(period) -> PeriodFigures:
    """Summed from the period's per-ticket totals: as many rows as it has tickets."""
    if period is None or period.pk is None:
        return PeriodFigures()
    return PeriodFigures(
        **_ticket_totals(period).aggregate(
            entries=Sum("entries", default=0), tickets=Count("pk"), latest=Max("changed_at")
        )
    )


def period_entries(period):
    """The period's entries, newest first, with what each row of the list shows."""
    return (
        _entries(period)
        .select_related("ticket", "agent")
        .only(
            "performed_at",
            "minutes",
            "description",
            "billable",
            "ticket__number",
            "ticket__subject",
            "agent__display_name",
        )
        .order_by("-performed_at", "-pk")
    )


def objectives_for(user, contract) -> list[Objective]:
    """The contract's objectives, each with its linked tickets the user may see."""
    objectives = list(
        contract.objectives.select_related("manual_set_by").prefetch_related(
            Prefetch(
                "tickets",
                queryset=Ticket.objects.visible_to(user)
                .only("number", "subject", "status", "organisation_id")
                .order_by("number"),
                to_attr="visible_tickets",
            )
        )
    )
    for objective in objectives:
        objective.done_count = sum(
            1 for ticket in objective.visible_tickets if ticket.status in DONE_STATUSES
        )
        objective.progress = objective_progress(objective, objective.visible_tickets)
    return objectives


def progress_percent(manual: int | None, done: int, total: int) -> int:
    """The one progress rule: set by hand when support says so, else the share done."""
    if manual is not None:
        return min(manual, 100)
    return round(100 * done / total) if total else 0


def objective_progress(objective, tickets) -> int:
    """Percent done of an objective: resolved or closed tickets count as done."""
    done = sum(1 for ticket in tickets if ticket.status in DONE_STATUSES)
    return progress_percent(objective.manual_progress, done, len(tickets))


def live_version(contract, period, figures: PeriodFigures | None = None) -> str:
    """Changes whenever something the live part of the contract page shows changes.

    `period` must be freshly read: its running total is part of the version;
    `figures` are its period_figures() when the caller has them.
    """
    parts = []
    if period is not None:
        figures = figures or period_figures(period)
        latest = figures.latest
        parts += [
            period.used_minutes,
            figures.entries,
            f"{latest.timestamp():.6f}" if latest else "",
        ]
    # The objectives and their linked tickets' statuses, in one read.
    parts += list(
        Objective.objects.filter(contract=contract)
        .order_by("pk", "tickets__pk")
        .values_list(
            "pk",
            "title",
            "description",
            "due_date",
            "manual_progress",
            "tickets__pk",
            "tickets__status",
        )
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
