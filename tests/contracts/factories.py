"""Contract test data for any app's tests."""

from datetime import date
from decimal import Decimal

import factory

from contracts.models import BankKind, Contract
from tests.factories import OrganisationFactory


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract from January 2026 with 10 hours a month and a price for extra hours."""

    class Meta:
        model = Contract

    class Params:
        # ContractFactory(no_bank=True): objectives and services only, no hours bank.
        no_bank = factory.Trait(bank_kind=BankKind.NONE, bank_hours=0, extra_hour_price=None)

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Soporte 2026"
    start_date = date(2026, 1, 1)
    bank_kind = BankKind.MONTHLY
    bank_hours = Decimal("10")
    extra_hour_price = Decimal("45")
    currency = "EUR"
