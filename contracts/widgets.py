"""The hours bank panel of the client dashboard: the bank in effect today, if any."""

from . import queries


def bank(request, organisation) -> dict | None:
    bank = queries.current_bank(request.user, organisation)
    if bank is None:
        return None
    contract, period = bank
    return {"contract": contract, "period": period}
