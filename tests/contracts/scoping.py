"""The contract URLs of the scoping harness (tests/scoping.py)."""

from tests.scoping import Case


def _contract(w):
    from tests.contracts.factories import ContractFactory

    return {"pk": ContractFactory(organisation=w.org, name="Scoped bank").pk}


# Contracts are for managers and partners; tests/contracts/test_views.py checks
# that a plain member of the organisation gets the same 404.
CASES = [
    Case("contracts:detail", _contract),
    Case("contracts:live", _contract),
    Case("contracts:statement_pdf", _contract),
    Case("contracts:statement_csv", _contract),
]
