"""The client's contract pages: hours bank, time entries, objectives, services.

Each view: access helper first, then the reads from contracts/queries.py.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import SESSION_KEY
from audit.services import record_export
from core.htmx import render_htmx

from . import queries, services, statement
from .models import BankKind, Contract

ENTRIES_PER_PAGE = 50


class _Counted(Paginator):
    """Pages of the period's entries, whose number the period's figures already say."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


def _manager(request):
    """Managers and partners only: hours and prices are not for every member."""
    if request.user.is_staff:
        # Staff see contracts in the admin; the portal is the client's view.
        raise Http404
    if not request.access.sees_whole_organisation:
        raise Http404
    return request.access


def _get_contract(request, pk) -> Contract:
    if request.user.is_staff:
        raise Http404
    try:
        contract = queries.contract_for_page(request.user, pk)
    except Contract.DoesNotExist as missing:
        raise Http404 from missing
    if request.access.active and contract.organisation_id != request.access.active.pk:
        # Following a link to another of the user's organisations switches to it.
        request.session[SESSION_KEY] = contract.organisation_id
    return contract


def _wanted_start(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("period", ""))
    except ValueError:
        return None


def _periods(request, contract):
    """(chosen period, all periods, current period); the chosen one is ?period= if known."""
    if contract.bank_kind == BankKind.NONE:
        return None, [], None
    current = services.current_period_shown(contract)
    periods = queries.bank_periods(contract)
    if current is not None and current.pk is None:
        periods.insert(0, current)
    wanted = _wanted_start(request)
    chosen = next((p for p in periods if p.start == wanted), None)
    return chosen or current or (periods[0] if periods else None), periods, current


def _polled_period(request, contract):
    """_periods()'s chosen period without listing every period when, as in an idle
    poll of the current period, the current one is the chosen one."""
    if contract.bank_kind == BankKind.NONE:
        return None
    current = services.current_period_shown(contract)
    wanted = _wanted_start(request)
    if current is not None and wanted in (None, current.start):
        return current
    return _periods(request, contract)[0]


def _live_context(request, contract, period, periods, current, version=None, figures=None):
    figures = figures or queries.period_figures(period)
    context = {
        "contract": contract,
        "period": period,
        "periods": periods,
        "current": current,
        "objectives": queries.objectives_for(request.user, contract),
        "version": version or queries.live_version(contract, period, figures),
        "today": timezone.localdate(),
        # A period the contract does not have (typed, or from an old link):
        # the page shows the current one and says so.
        "period_unknown": period is not None
        and (request.GET.get("period") or period.start.isoformat()) != period.start.isoformat(),
    }
    if period is not None:
        tickets = queries.ticket_totals(period, limit=queries.TICKETS_SHOWN)
        hidden = figures.tickets - len(tickets) if figures.tickets > len(tickets) else None
        entries = _Counted(queries.period_entries(period), ENTRIES_PER_PAGE, figures.entries)
        context.update(
            tickets=tickets,
            hidden_tickets=hidden,
            entries=entries.get_page(request.GET.get("page")),
            extra_amount=statement.extra_amount(contract, period),
        )
    return context


@login_required
@require_GET
def contract_list(request):
    access = _manager(request)
    contracts = list(queries.contract_list(request.user, access.active))
    today = services.local_date(access.active, timezone.now())
    periods = queries.periods_on(contracts, today)
    for contract in contracts:
        contract.current = periods.get(contract.pk)
        contract.is_active = contract.start_date <= today and (
            contract.end_date is None or contract.end_date >= today
        )
    return render(request, "contracts/list.html", {"contracts": contracts})


@login_required
@require_GET
def contract_detail(request, pk):
    contract = _get_contract(request, pk)
    period, periods, current = _periods(request, contract)
    context = {
        **_live_context(request, contract, period, periods, current),
        "services": list(queries.services_of(request.user, contract.organisation)),
    }
    return render_htmx(request, "contracts/detail.html", context, partial="live")


@login_required
@require_GET
def contract_live(request, pk):
    """Polled by an open contract page: 204 while nothing changed, else the live part."""
    contract = _get_contract(request, pk)
    period = _polled_period(request, contract)
    figures = queries.period_figures(period)
    version = queries.live_version(contract, period, figures)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    period, periods, current = _periods(request, contract)
    figures = queries.period_figures(period)
    context = _live_context(request, contract, period, periods, current, version, figures)
    return render(request, "contracts/detail.html#live", context)


def _statement(request, pk, max_entries=None):
    contract = _get_contract(request, pk)
    period, _periods_list, _current = _periods(request, contract)
    if period is None:
        raise Http404
    return statement.statement_for(contract, period, request.user, max_entries)


@login_required
@require_GET
def statement_pdf(request, pk):
    made = _statement(request, pk, statement.PDF_MAX_ENTRIES)
    _record_statement(request, made, "pdf")
    return statement.pdf_response(made)


@login_required
@require_GET
def statement_csv(request, pk):
    made = _statement(request, pk)
    _record_statement(request, made, "csv")
    return statement.csv_response(made)


def _record_statement(request, made, file_format):
    contract = made.contract
    record_export(
        request=request,
        what="contracts statement",
        file_format=file_format,
        target=contract,
        organisation=contract.organisation,
    )
