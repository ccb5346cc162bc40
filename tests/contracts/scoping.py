"""The contract URLs of the scoping harness (tests/scoping.py)."""

from tests.scoping import Case


def _contract(w):
    from datetime import date
    from decimal import Decimal

    from contracts.models import BankKind, Contract

    contract = Contract.objects.create(
        organisation=w.org,
        name="Scoped bank",
        start_date=date(2026, 1, 1),
        bank_kind=BankKind.MONTHLY,
        bank_hours=Decimal("10"),
    )
    return {"pk": contract.pk}


# Contracts are for managers and partners; tests/contracts/test_views.py checks
# that a plain member of the organisation gets the same 404.
CASES = [
    Case("contracts:detail", _contract),
    Case("contracts:live", _contract),
    Case("contracts:statement_pdf", _contract),
    Case("contracts:statement_csv", _contract),
]
