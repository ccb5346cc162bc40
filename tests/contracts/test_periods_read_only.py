"""Pages never create a bank period: beat opens it, reads show the figures it will have."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from contracts import services, tasks
from contracts.models import BankPeriod
from tests.contracts.factories import ContractFactory


def _today(world):
    return services.local_date(world.org, timezone.now())


def test_dashboard_shows_a_bank_with_no_period_yet_without_creating_it(client, world, contract):
    assert not BankPeriod.objects.exists()
    client.force_login(world.manager)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert BankPeriod.objects.count() == 0
    assert "available of 10 h" in page
    assert "0% of the bank used" in page


def test_contract_pages_show_a_missing_period_without_creating_it(client, world, contract):
    client.force_login(world.manager)
    for name in ("contracts:detail", "contracts:live", "contracts:statement_csv"):
        response = client.get(reverse(name, args=[contract.pk]))
        assert response.status_code == 200, name
    assert BankPeriod.objects.count() == 0
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "10 h" in page
    assert "current period" in page
    csv = client.get(reverse("contracts:statement_csv", args=[contract.pk])).content.decode()
    assert "10.00" in csv


def test_a_missing_period_shows_its_carry_over_from_the_stored_one(client, world):
    contract = ContractFactory(organisation=world.org, carry_over=True)
    today = _today(world)
    start = today.replace(day=1)
    previous_start = (start - timedelta(days=1)).replace(day=1)
    BankPeriod.objects.create(
        contract=contract, start=previous_start, end=start, allowance_minutes=600, used_minutes=120
    )
    shown = services.current_period_shown(contract)
    assert shown.pk is None
    assert (shown.carried_minutes, shown.allowance_minutes) == (480, 1080)
    client.force_login(world.manager)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "available of 18 h" in page
    assert BankPeriod.objects.count() == 1
    # Positive control: the write path creates the period with the same figures.
    created = services.current_period(contract)
    assert created.pk is not None
    assert (created.carried_minutes, created.allowance_minutes) == (480, 1080)


def test_the_beat_task_opens_the_current_period_once(world, contract):
    ended = ContractFactory(
        organisation=world.org,
        name="Old",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 6, 30),
        bank_hours=Decimal("5"),
    )
    ContractFactory(organisation=world.org, name="No bank", no_bank=True)
    assert tasks.open_periods() == 1
    assert tasks.open_periods() == 0
    period = BankPeriod.objects.get()
    assert period.contract == contract
    assert period.start == _today(world).replace(day=1)
    assert period.allowance_minutes == 600
    assert not BankPeriod.objects.filter(contract=ended).exists()
