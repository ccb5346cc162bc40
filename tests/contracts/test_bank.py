import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from activity.models import Event
from contracts import periods, services
from contracts.models import BankPeriod, TimeEntry


def _log(ticket, agent, minutes, when=None, billable=True):
    return services.time_entry_add(
        ticket=ticket,
        agent=agent,
        minutes=minutes,
        description="Checked the logs",
        billable=billable,
        performed_at=when,
    )


def test_monthly_periods_follow_the_organisation_time_zone(world, contract, ticket):
    # 2026-03-01 02:00 UTC is still 28 February in Santiago (UTC-3).
    entry = _log(ticket, world.agent, 30, datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    assert entry.period.start == date(2026, 2, 1)
    later = _log(ticket, world.agent, 30, datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    assert later.period.start == date(2026, 3, 1)


def test_period_boundary_across_a_daylight_saving_change(world, contract, ticket):
    # Santiago leaves DST on 5 April 2026 at 03:00 UTC; the month boundary is 1 May 04:00 UTC.
    before = _log(ticket, world.agent, 10, datetime(2026, 5, 1, 3, 59, tzinfo=UTC))
    after = _log(ticket, world.agent, 10, datetime(2026, 5, 1, 4, 0, tzinfo=UTC))
    assert (before.period.start, after.period.start) == (date(2026, 4, 1), date(2026, 5, 1))


def test_yearly_period_on_the_contract_anniversary():
    assert periods.period_bounds("yearly", date(2025, 7, 15), None, date(2026, 7, 14)) == (
        date(2025, 7, 15),
        date(2026, 7, 15),
    )
    assert periods.period_bounds("yearly", date(2024, 2, 29), None, date(2025, 3, 1))[0] == date(
        2025, 2, 28
    )
    assert (
        periods.period_bounds("one_off", date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))
        is None
    )


def test_totals_thresholds_and_overage(world, contract, ticket):
    _log(ticket, world.agent, 7 * 60)
    assert not Event.objects.filter(verb="hours_bank_80").exists()
    _log(ticket, world.agent, 60)  # 8 h of 10: 80 %
    _log(ticket, world.agent, 30, billable=False)  # not counted
    _log(ticket, world.agent, 3 * 60)  # 11 h: overage
    period = BankPeriod.objects.get()
    assert period.used_minutes == 11 * 60
    assert period.overage_minutes == 60
    assert Event.objects.filter(verb="hours_bank_80").count() == 1
    assert Event.objects.filter(verb="hours_bank_100").count() == 1
    _log(ticket, world.agent, 60)
    assert Event.objects.filter(verb__startswith="hours_bank").count() == 2  # once each


def test_carry_over_up_to_the_cap(world, contract, ticket):
    contract.carry_over, contract.carry_over_cap_hours = True, Decimal("3")
    contract.save()
    _log(ticket, world.agent, 4 * 60, datetime(2026, 1, 10, 15, tzinfo=UTC))  # 6 h unused
    march = _log(ticket, world.agent, 60, datetime(2026, 3, 10, 15, tzinfo=UTC)).period
    february = BankPeriod.objects.get(start=date(2026, 2, 1))
    assert february.carried_minutes == 3 * 60  # capped
    assert february.allowance_minutes == 13 * 60
    assert march.carried_minutes == 3 * 60  # February unused 13 h, capped again


def test_bad_entries_change_nothing(world, contract, ticket):
    for minutes, description, agent in (
        (0, "x", world.agent),
        (60, " ", world.agent),
        (25 * 60, "x", world.agent),
        (60, "x", world.member),
    ):
        with pytest.raises(ValidationError):
            services.time_entry_add(
                ticket=ticket, agent=agent, minutes=minutes, description=description
            )
    assert not TimeEntry.objects.exists()
    assert not BankPeriod.objects.filter(used_minutes__gt=0).exists()


def test_edit_keeps_history_and_moves_the_total(world, contract, ticket):
    entry = _log(ticket, world.agent, 60)
    services.time_entry_edit(
        entry=entry,
        by=world.agent,
        minutes=90,
        description="More work",
        billable=True,
        performed_at=entry.performed_at,
    )
    assert BankPeriod.objects.get().used_minutes == 90
    services.time_entry_edit(
        entry=entry,
        by=world.supervisor,
        minutes=90,
        description="x",
        billable=False,
        performed_at=entry.performed_at,
    )
    assert BankPeriod.objects.get().used_minutes == 0
    assert [r.minutes for r in entry.revisions.order_by("changed_at")] == [60, 90]


def test_only_author_or_supervisor_within_the_window(world, contract, ticket, settings):
    from tests.factories import UserFactory

    other_agent = UserFactory(is_staff=True)
    entry = _log(ticket, world.agent, 60)
    with pytest.raises(ValidationError):
        services.time_entry_edit(
            entry=entry,
            by=other_agent,
            minutes=5,
            description="x",
            billable=True,
            performed_at=entry.performed_at,
        )
    TimeEntry.objects.filter(pk=entry.pk).update(
        created_at=entry.created_at - timedelta(days=settings.TIME_ENTRY_EDIT_DAYS + 1)
    )
    entry.refresh_from_db()
    with pytest.raises(ValidationError):
        services.time_entry_edit(
            entry=entry,
            by=world.agent,
            minutes=5,
            description="x",
            billable=True,
            performed_at=entry.performed_at,
        )
    assert BankPeriod.objects.get().used_minutes == 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_give_the_exact_total(world, contract, ticket):
    from tests.factories import UserFactory

    contract.bank_hours = Decimal("5")  # 300 minutes: both thresholds fall mid-race
    contract.save()
    agents = [UserFactory(is_staff=True) for _ in range(6)]
    services.time_entry_add(ticket=ticket, agent=agents[0], minutes=1, description="first")
    errors, start = [], threading.Barrier(len(agents))

    def work(agent):
        try:
            start.wait()
            for _ in range(10):
                services.time_entry_add(ticket=ticket, agent=agent, minutes=7, description="w")
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer is stuck (a lock never released?)"
    assert errors == []
    period = BankPeriod.objects.get()
    assert period.used_minutes == 1 + 6 * 10 * 7
    assert TimeEntry.objects.count() == 61
    assert Event.objects.filter(verb="hours_bank_80").count() == 1
    assert Event.objects.filter(verb="hours_bank_100").count() == 1
