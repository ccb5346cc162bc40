"""The client's contract beside the agent's ticket (tickets.parts: context_card).

What the agent needs before answering: which contract covers the client today and
how many hours of its bank are left this period, or how far it has run over.
Read-only and read without writing: a period not created yet is shown with the
figures it will have (services.period_shown), never saved by a look.
"""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.admin import change_url
from tickets.parts import Panel

from .. import queries, services
from ..models import BankKind, Contract

# Clients have one contract at a time, two while one replaces another; more is a data
# problem the changelist shows better than a side card.
SHOWN = 3


def _row(contract, period) -> dict:
    return {
        "contract": contract,
        "url": change_url(contract),
        "has_bank": contract.bank_kind != BankKind.NONE,
        "period": period,
    }


def contract_card(request, ticket) -> Panel | None:
    if not request.user.has_perm("contracts.view_contract"):
        return None
    organisation = ticket.organisation
    today = services.local_date(organisation, timezone.now())
    of_client = Contract.objects.filter(organisation_id=organisation.pk)
    contracts = list(of_client.active_on(today).order_by("-start_date", "-pk")[: SHOWN + 1])
    more = len(contracts) > SHOWN
    contracts = contracts[:SHOWN]
    last = None
    if not contracts:
        # An agent should know the client's contract has ended (or not yet begun).
        last = of_client.order_by(F("end_date").desc(nulls_first=True), "-start_date").first()
        if last is None:
            return None
    stored = queries.periods_on(contracts, today)
    rows = []
    for contract in contracts:
        contract.organisation = organisation
        period = None
        if contract.bank_kind != BankKind.NONE:
            # The beat job stores each period after midnight: computing one is the rare case.
            period = stored.get(contract.pk) or services.period_shown(contract, today)
        rows.append(_row(contract, period))
    changelist = reverse("admin:contracts_contract_changelist")
    return Panel(
        "contract_card",
        "admin/contracts/context_card.html",
        {
            "rows": rows,
            "last": _row(last, None) if last else None,
            "all_url": f"{changelist}?organisation__id__exact={organisation.pk}" if more else "",
            "today": today,
        },
    )
