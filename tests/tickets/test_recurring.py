"""Recurring tickets: the calendar rules, then the sweep that opens at most one
ticket per template and period, run twice, late and concurrently."""

import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation
from activity.models import Event
from tests.factories import OrganisationFactory, member_of
from tests.tickets.factories import RecurringTicketFactory
from tickets import tasks
from tickets.models import RecurringRun, RecurringTicket, Ticket
from tickets.recurring import (
    next_occurrence,
    occurrence_in_period,
    period_key,
    previous_occurrence,
    recurring_run_due,
    recurring_schedule,
)

SANTIAGO, MADRID = ZoneInfo("America/Santiago"), ZoneInfo("Europe/Madrid")
WEEKLY, MONTHLY, QUARTERLY = "weekly", "monthly", "quarterly"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def template(frequency=WEEKLY, tz="America/Santiago", **fields) -> RecurringTicket:
    """An unsaved template: the calendar rules need no database."""
    defaults = {"start_date": date(2026, 1, 1), "time": clock(9, 0)}
    return RecurringTicket(
        organisation=Organisation(timezone=tz), frequency=frequency, **{**defaults, **fields}
    )


def chain(tpl, after, count) -> list[datetime]:
    moments = []
    for _ in range(count):
        after = next_occurrence(tpl, after)
        moments.append(after)
    return moments


# Period keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "moment", "key"),
    [
        (WEEKLY, utc(2026, 11, 23, 15), "2026-W48"),
        (MONTHLY, utc(2026, 11, 23, 15), "2026-11"),
        (QUARTERLY, utc(2026, 11, 23, 15), "2026-Q4"),
        (QUARTERLY, utc(2026, 4, 1, 15), "2026-Q2"),
        (WEEKLY, utc(2027, 1, 1, 15), "2026-W53"),  # ISO week-year, not the calendar year
        (WEEKLY, utc(2027, 1, 4, 15), "2027-W01"),
        (MONTHLY, date(2026, 2, 28), "2026-02"),  # a date is already local
    ],
)
def test_period_key(frequency, moment, key):
    assert period_key(template(frequency), moment) == key


def test_period_key_is_on_the_organisations_calendar():
    # Monday 01:00 UTC is still Sunday evening in Santiago, and in last month.
    moment = utc(2026, 11, 30, 1)
    assert period_key(template(WEEKLY), moment) == "2026-W48"
    assert period_key(template(WEEKLY, tz="UTC"), moment) == "2026-W49"
    assert period_key(template(MONTHLY), utc(2026, 12, 1, 1)) == "2026-11"
    assert period_key(template(QUARTERLY), utc(2027, 1, 1, 1)) == "2026-Q4"


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="aware"):
        period_key(template(), datetime(2026, 11, 23, 9))


# Occurrences -------------------------------------------------------------------------------


def test_weekly_runs_on_its_weekday_at_its_time():
    wednesday = template(WEEKLY, weekday=2, start_date=date(2026, 11, 2))

    assert occurrence_in_period(wednesday, utc(2026, 11, 23, 15)) == local(
        SANTIAGO, 2026, 11, 25, 9
    )
    # Strictly after: at the very moment of a run, the next one is a week later.
    assert next_occurrence(wednesday, local(SANTIAGO, 2026, 11, 25, 8, 59)) == local(
        SANTIAGO, 2026, 11, 25, 9
    )
    assert next_occurrence(wednesday, local(SANTIAGO, 2026, 11, 25, 9)) == local(
        SANTIAGO, 2026, 12, 2, 9
    )


def test_weekly_without_a_weekday_uses_the_start_dates():
    thursdays = template(WEEKLY, weekday=None, start_date=date(2026, 11, 5))
    assert next_occurrence(thursdays, utc(2026, 11, 23)).astimezone(SANTIAGO).weekday() == 3


def test_monthly_day_31_uses_the_last_day_of_shorter_months():
    end_of_month = template(MONTHLY, day_of_month=31, start_date=date(2026, 1, 1))

    days = [m.astimezone(SANTIAGO).date() for m in chain(end_of_month, utc(2026, 1, 1), 5)]

    assert days == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),  # back to 31 after February, not stuck on 28
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert occurrence_in_period(end_of_month, date(2028, 2, 10)) == local(SANTIAGO, 2028, 2, 29, 9)


def test_quarterly_runs_in_the_start_dates_month_of_each_quarter():
    quarterly = template(QUARTERLY, day_of_month=15, start_date=date(2026, 2, 15))

    moments = chain(quarterly, utc(2026, 1, 1), 5)

    assert [m.astimezone(SANTIAGO).date() for m in moments] == [
        date(2026, 2, 15),
        date(2026, 5, 15),
        date(2026, 8, 15),
        date(2026, 11, 15),
        date(2027, 2, 15),
    ]
    assert [period_key(quarterly, m) for m in moments] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
        "2027-Q1",
    ]


def test_quarterly_day_31():
    quarterly = template(QUARTERLY, day_of_month=31, start_date=date(2026, 1, 10))
    days = [m.astimezone(SANTIAGO).date() for m in chain(quarterly, utc(2026, 1, 1), 4)]
    assert days == [date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)]


def test_nothing_runs_before_the_start_date():
    monthly = template(MONTHLY, day_of_month=1, start_date=date(2026, 3, 15))

    assert next_occurrence(monthly, utc(2026, 1, 1)) == local(SANTIAGO, 2026, 4, 1, 9)
    assert previous_occurrence(monthly, utc(2026, 3, 31)) is None
    assert previous_occurrence(monthly, utc(2026, 4, 20)) == local(SANTIAGO, 2026, 4, 1, 9)


def test_previous_occurrence_is_the_latest_at_or_before_now():
    monday = template(WEEKLY, weekday=0)
    nine = local(SANTIAGO, 2026, 11, 23, 9)

    assert previous_occurrence(monday, nine) == nine
    assert previous_occurrence(monday, nine - timedelta(seconds=1)) == nine - timedelta(weeks=1)


def test_occurrences_are_aware_utc():
    moment = next_occurrence(template(WEEKLY, weekday=0), utc(2026, 11, 24))
    assert moment.tzinfo == UTC
    assert moment == utc(2026, 11, 30, 12)  # 09:00 in Santiago's summer (-03)


# Daylight saving: the wall clock wins -----------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "after", "expected_utc"),
    [
        # Madrid moves to summer time on Sunday 2026-03-29 and back on 2026-10-25.
        ("Europe/Madrid", utc(2026, 3, 24), [utc(2026, 3, 30, 7), utc(2026, 4, 6, 7)]),
        ("Europe/Madrid", utc(2026, 3, 17), [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)]),
        ("Europe/Madrid", utc(2026, 10, 20), [utc(2026, 10, 26, 8), utc(2026, 11, 2, 8)]),
        # Santiago leaves summer time on 2026-04-05 and returns on 2026-09-06.
        ("America/Santiago", utc(2026, 3, 24), [utc(2026, 3, 30, 12), utc(2026, 4, 6, 13)]),
        ("America/Santiago", utc(2026, 9, 1), [utc(2026, 9, 7, 12), utc(2026, 9, 14, 12)]),
    ],
)
def test_weekly_keeps_its_wall_time_across_dst(tz, after, expected_utc):
    monday_nine = template(WEEKLY, tz=tz, weekday=0)

    moments = chain(monday_nine, after, 2)

    assert moments == expected_utc
    for moment in moments:
        assert moment.astimezone(ZoneInfo(tz)).time() == clock(9, 0)


def test_a_wall_time_that_does_not_exist_runs_after_the_gap():
    # 02:30 on 2026-03-29 does not exist in Madrid (02:00 -> 03:00).
    sunday = template(WEEKLY, tz="Europe/Madrid", weekday=6, time=clock(2, 30))
    assert next_occurrence(sunday, utc(2026, 3, 24)).astimezone(MADRID).time() == clock(3, 30)
    # Santiago jumps from 00:00 to 01:00 on 2026-09-06.
    midnight = template(WEEKLY, weekday=6, time=clock(0, 30))
    assert next_occurrence(midnight, utc(2026, 9, 1)) == utc(2026, 9, 6, 4, 30)


def test_a_wall_time_that_happens_twice_runs_once_at_the_first():
    sunday = template(WEEKLY, tz="Europe/Madrid", weekday=6, time=clock(2, 30))
    first = next_occurrence(sunday, utc(2026, 10, 20))
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 summer time
    assert next_occurrence(sunday, first) == utc(2026, 11, 1, 1, 30)  # skips the 2nd 02:30


# The sweep ---------------------------------------------------------------------------------

# Monday 2026-11-23 09:00 in Santiago (summer time, -03).
MONDAY_NINE = utc(2026, 11, 23, 12)


@pytest.fixture
def weekly(world):
    """Every Monday at 09:00 Santiago, due at MONDAY_NINE."""
    tpl = RecurringTicketFactory(
        organisation=world.org,
        requester=world.member,
        subject="Weekly backup check",
        priority="high",
        start_date=date(2026, 1, 5),
        next_run_at=MONDAY_NINE,  # as if every earlier week had run
    )
    return tpl


def tickets_of(tpl):
    return Ticket.objects.filter(subject=tpl.subject, organisation=tpl.organisation)


def test_due_template_opens_its_ticket_and_schedules_the_next(world, weekly):
    assert recurring_run_due(now=MONDAY_NINE + timedelta(minutes=1)) == 1

    ticket = tickets_of(weekly).get()
    assert ticket.requester == world.member
    assert ticket.description == weekly.description
    assert ticket.priority == "high"
    assert ticket.status == "new"
    run = RecurringRun.objects.get(template=weekly)
    assert (run.period, run.ticket) == ("2026-W48", ticket)
    event = Event.objects.get(
        target_type=ContentType.objects.get_for_model(Ticket), target_id=str(ticket.pk)
    )
    assert event.verb == "recurring_ticket_opened"
    assert event.actor is None  # nobody clicked: the schedule opened it
    assert event.organisation == world.org
    weekly.refresh_from_db()
    assert weekly.next_run_at == MONDAY_NINE + timedelta(weeks=1)


def test_not_due_yet_does_nothing(weekly):
    assert recurring_run_due(now=MONDAY_NINE - timedelta(seconds=1)) == 0
    assert not tickets_of(weekly).exists()
    weekly.refresh_from_db()
    assert weekly.next_run_at == MONDAY_NINE


def test_running_twice_opens_one_ticket(weekly):
    assert recurring_run_due(now=MONDAY_NINE) == 1
    assert recurring_run_due(now=MONDAY_NINE) == 0
    assert recurring_run_due(now=MONDAY_NINE + timedelta(hours=5)) == 0

    assert tickets_of(weekly).count() == 1
    assert Event.objects.filter(verb="recurring_ticket_opened").count() == 1


def test_each_period_gets_its_ticket(weekly):
    for week in range(3):
        assert recurring_run_due(now=MONDAY_NINE + timedelta(weeks=week, minutes=1)) == 1

    assert list(
        RecurringRun.objects.filter(template=weekly)
        .order_by("period")
        .values_list("period", flat=True)
    ) == ["2026-W48", "2026-W49", "2026-W50"]
    assert tickets_of(weekly).count() == 3


def test_late_sweep_after_missed_periods_opens_one_ticket(weekly):
    RecurringTicket.objects.filter(pk=weekly.pk).update(
        next_run_at=MONDAY_NINE - timedelta(weeks=3)
    )
    now = MONDAY_NINE + timedelta(hours=3)  # W45, W46, W47 missed; W48 due

    assert recurring_run_due(now=now) == 1

    assert tickets_of(weekly).count() == 1
    assert RecurringRun.objects.get(template=weekly).period == "2026-W48"
    weekly.refresh_from_db()
    assert weekly.next_run_at == MONDAY_NINE + timedelta(weeks=1)
    assert weekly.next_run_at > now
    assert recurring_run_due(now=now + timedelta(minutes=1)) == 0


def test_late_sweep_before_this_weeks_time_catches_up_last_week_only(weekly):
    RecurringTicket.objects.filter(pk=weekly.pk).update(
        next_run_at=MONDAY_NINE - timedelta(weeks=3)
    )
    early = MONDAY_NINE - timedelta(hours=1)

    assert recurring_run_due(now=early) == 1
    assert RecurringRun.objects.get(template=weekly).period == "2026-W47"
    weekly.refresh_from_db()
    assert weekly.next_run_at == MONDAY_NINE  # this week's stays on time

    assert recurring_run_due(now=MONDAY_NINE) == 1
    assert tickets_of(weekly).count() == 2


def test_a_period_that_already_has_its_run_is_not_opened_again(weekly):
    # As if another sweep had won the race but this one read the template first.
    RecurringRun.objects.create(template=weekly, period="2026-W48")

    assert recurring_run_due(now=MONDAY_NINE) == 0

    assert not tickets_of(weekly).exists()
    weekly.refresh_from_db()
    assert weekly.next_run_at == MONDAY_NINE + timedelta(weeks=1)  # it does not stay due


def test_monthly_on_the_31st_runs_on_the_28th_of_february(world):
    tpl = RecurringTicketFactory(
        organisation=world.org,
        requester=world.member,
        frequency=MONTHLY,
        day_of_month=31,
        weekday=None,
        start_date=date(2026, 1, 1),
    )
    recurring_schedule(template=tpl, now=utc(2026, 1, 2))
    assert tpl.next_run_at == local(SANTIAGO, 2026, 1, 31, 9)

    assert recurring_run_due(now=tpl.next_run_at) == 1
    tpl.refresh_from_db()
    assert tpl.next_run_at == local(SANTIAGO, 2026, 2, 28, 9)
    assert recurring_run_due(now=tpl.next_run_at) == 1
    assert list(tpl.runs.order_by("period").values_list("period", flat=True)) == [
        "2026-01",
        "2026-02",
    ]


@pytest.mark.django_db
def test_ticket_opens_at_the_local_wall_time_across_dst():
    madrid = OrganisationFactory(timezone="Europe/Madrid")
    tpl = RecurringTicketFactory(
        organisation=madrid, requester=member_of(madrid), start_date=date(2026, 3, 23)
    )
    recurring_schedule(template=tpl, now=utc(2026, 3, 22))
    assert tpl.next_run_at == utc(2026, 3, 23, 8)  # 09:00 CET

    assert recurring_run_due(now=utc(2026, 3, 23, 8)) == 1
    tpl.refresh_from_db()
    assert tpl.next_run_at == utc(2026, 3, 30, 7)  # 09:00 CEST, an hour earlier in UTC
    assert recurring_run_due(now=utc(2026, 3, 30, 6, 59)) == 0
    assert recurring_run_due(now=utc(2026, 3, 30, 7)) == 1
    assert sorted(tpl.runs.values_list("period", flat=True)) == ["2026-W13", "2026-W14"]


def test_inactive_templates_and_organisations_are_skipped(world, weekly):
    RecurringTicket.objects.filter(pk=weekly.pk).update(is_active=False)
    assert recurring_run_due(now=MONDAY_NINE) == 0

    RecurringTicket.objects.filter(pk=weekly.pk).update(is_active=True)
    Organisation.objects.filter(pk=world.org.pk).update(is_active=False)
    assert recurring_run_due(now=MONDAY_NINE) == 0

    assert not Ticket.objects.exists()


def test_a_broken_template_does_not_stop_the_others(world, weekly, caplog):
    broken = RecurringTicketFactory(organisation=world.org, requester=world.member)
    RecurringTicket.objects.filter(pk=broken.pk).update(
        description="", next_run_at=MONDAY_NINE - timedelta(hours=1)
    )

    assert recurring_run_due(now=MONDAY_NINE) == 1

    assert tickets_of(weekly).count() == 1
    assert not RecurringRun.objects.filter(template=broken).exists()  # rolled back
    broken.refresh_from_db()
    assert broken.next_run_at == MONDAY_NINE - timedelta(hours=1)  # still due: retried
    assert f"recurring ticket {broken.pk}" in caplog.text


# Scheduling --------------------------------------------------------------------------------


def test_unscheduled_template_is_scheduled_by_the_sweep(world):
    tpl = RecurringTicketFactory(
        organisation=world.org, requester=world.member, start_date=date(2026, 12, 1)
    )
    assert tpl.next_run_at is None

    assert recurring_run_due(now=MONDAY_NINE) == 0

    tpl.refresh_from_db()
    assert tpl.next_run_at == local(SANTIAGO, 2026, 12, 7, 9)  # first Monday from the start


def test_unscheduled_template_already_started_opens_this_periods_ticket(world):
    tpl = RecurringTicketFactory(organisation=world.org, requester=world.member)

    assert recurring_run_due(now=MONDAY_NINE + timedelta(days=2)) == 1

    assert RecurringRun.objects.get(template=tpl).period == "2026-W48"
    tpl.refresh_from_db()
    assert tpl.next_run_at == MONDAY_NINE + timedelta(weeks=1)


def test_schedule_after_an_edit_never_repeats_a_done_period(weekly):
    recurring_run_due(now=MONDAY_NINE)
    weekly.refresh_from_db()
    weekly.time = clock(15, 0)  # moved later the same day, after this week's ran
    weekly.save()

    assert recurring_schedule(template=weekly, now=MONDAY_NINE + timedelta(hours=7)) == local(
        SANTIAGO, 2026, 11, 30, 15
    )
    assert recurring_run_due(now=MONDAY_NINE + timedelta(hours=7)) == 0


# Concurrency (committed data, one connection per thread) -----------------------------------


def _run_concurrently(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_open_exactly_one_ticket_per_template_and_period():
    organisation = OrganisationFactory()
    requester = member_of(organisation)
    templates = [
        RecurringTicketFactory(
            organisation=organisation, requester=requester, next_run_at=MONDAY_NINE
        )
        for _ in range(6)
    ]

    for week in range(3):
        now = MONDAY_NINE + timedelta(weeks=week, seconds=30)
        results = _run_concurrently(4, lambda now=now: recurring_run_due(now=now))
        assert sum(results) == len(templates)

    assert Ticket.objects.count() == 3 * len(templates)
    assert RecurringRun.objects.count() == 3 * len(templates)
    assert RecurringRun.objects.filter(ticket__isnull=True).count() == 0
    assert Event.objects.filter(verb="recurring_ticket_opened").count() == 3 * len(templates)
    for tpl in templates:
        tpl.refresh_from_db()
        assert tpl.next_run_at == MONDAY_NINE + timedelta(weeks=3)


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction: ask for a fresh one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ['INSERT INTO "tickets_recurringrun"%'],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_sweep_waits_for_the_one_in_flight_and_then_does_nothing():
    organisation = OrganisationFactory()
    tpl = RecurringTicketFactory(
        organisation=organisation, requester=member_of(organisation), next_run_at=MONDAY_NINE
    )
    outcome = []

    def second_sweep():
        try:
            outcome.append(recurring_run_due(now=MONDAY_NINE))
        finally:
            connection.close()

    with transaction.atomic():
        # The first sweep, stopped just after claiming the period.
        RecurringRun.objects.create(template=tpl, period="2026-W48")
        thread = threading.Thread(target=second_sweep)
        thread.start()
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_a_lock() == 1, "the second sweep should wait on the claimed period"
    thread.join(timeout=10)

    assert outcome == [0]
    assert not Ticket.objects.exists()


# Tasks -------------------------------------------------------------------------------------


def test_sweep_task_called_directly(world):
    today = timezone.localdate(timezone=SANTIAGO)
    tpl = RecurringTicketFactory(
        organisation=world.org,
        requester=world.member,
        start_date=today - timedelta(days=30),
        weekday=(today - timedelta(days=1)).weekday(),  # yesterday's weekday: already passed
    )

    assert tasks.recurring_tickets_sweep() == 1
    assert tasks.recurring_tickets_sweep() == 0

    assert tickets_of(tpl).count() == 1
    tpl.refresh_from_db()
    assert tpl.next_run_at > timezone.now()
