"""Business-time arithmetic (sla/calendar.py) and calendars built from the database.

Business time is real elapsed time inside working intervals given in local
wall time: on a daylight-saving day an interval lasts what the clock on the
wall says it lasts, and 24 hours of a 24x7 calendar are 24 real hours.
Instants are compared in UTC: two aware datetimes in a repeated (fold) hour
never compare equal across zones.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import holidays as public_holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla import calendar as bt
from sla import services
from sla.models import SLAPolicy
from tests.sla.factories import MON_FRI_9_18, SPLIT_DAY, make_calendar

SANTIAGO = ZoneInfo("America/Santiago")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
MADRID = ZoneInfo("Europe/Madrid")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def minutes(text: str) -> int:
    if text == "24:00":
        return bt.MINUTES_PER_DAY
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def pure(tz="UTC", week=None, **kw) -> bt.BusinessCalendar:
    """A pure calendar from {weekday: [("HH:MM", "HH:MM"), ...]}."""
    spans = {
        day: [(minutes(start), minutes(end)) for start, end in intervals]
        for day, intervals in (week or {}).items()
    }
    return bt.BusinessCalendar.build(tz, spans, **kw)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def same_instant(a: datetime, b: datetime) -> bool:
    return a.astimezone(UTC) == b.astimezone(UTC)


EVERY_DAY_9_18 = {day: [("09:00", "18:00")] for day in range(7)}
EVERY_DAY = {day: [("00:00", "24:00")] for day in range(7)}


# -- weekends, intervals, pauses ------------------------------------------------------


def test_weekend_does_not_count():
    calendar = pure("UTC", MON_FRI_9_18)
    friday = local(UTC, 2026, 1, 9, 17)  # Friday
    monday = local(UTC, 2026, 1, 12, 10)

    assert calendar.add(friday, 2 * H) == monday
    assert calendar.between(friday, monday) == 2 * H
    assert calendar.subtract(monday, 2 * H) == friday
    assert not calendar.is_working(local(UTC, 2026, 1, 10, 12))  # Saturday noon
    assert calendar.next_working_moment(local(UTC, 2026, 1, 10, 12)) == local(UTC, 2026, 1, 12, 9)


def test_a_full_working_week_is_45_hours():
    calendar = pure("UTC", MON_FRI_9_18)
    monday = local(UTC, 2026, 1, 12)

    assert calendar.between(monday, monday + timedelta(days=7)) == 45 * H
    # 45 hours from Monday 09:00 end on Friday at 18:00, not on the next Monday.
    assert calendar.add(local(UTC, 2026, 1, 12, 9), 45 * H) == local(UTC, 2026, 1, 16, 18)


def test_lunch_does_not_count():
    calendar = pure("UTC", SPLIT_DAY)
    monday = 2026, 1, 12

    assert calendar.add(local(UTC, *monday, 12), 2 * H) == local(UTC, *monday, 15)
    assert calendar.between(local(UTC, *monday, 12, 30), local(UTC, *monday, 14, 30)) == H
    assert calendar.between(local(UTC, *monday), local(UTC, *monday, 23)) == 8 * H
    assert calendar.add(local(UTC, *monday, 9), 8 * H) == local(UTC, *monday, 18)
    assert calendar.add(local(UTC, *monday, 9), 8 * H + M) == local(UTC, 2026, 1, 13, 9, 1)
    assert calendar.subtract(local(UTC, *monday, 15), 2 * H) == local(UTC, *monday, 12)
    assert not calendar.is_working(local(UTC, *monday, 13, 30))
    assert calendar.next_working_moment(local(UTC, *monday, 13, 30)) == local(UTC, *monday, 14)
    assert calendar.next_working_moment(local(UTC, *monday, 13)) == local(UTC, *monday, 14)


def test_a_pause_over_a_night_and_a_weekend_counts_only_working_time():
    calendar = pure("America/Santiago", SPLIT_DAY)
    # Tuesday 17:30 to Wednesday 09:15: half an hour and a quarter.
    assert calendar.between(
        local(SANTIAGO, 2026, 6, 2, 17, 30), local(SANTIAGO, 2026, 6, 3, 9, 15)
    ) == timedelta(minutes=45)
    # Friday 12:00 to Monday 14:30: Friday's hour before lunch and four after it,
    # nothing on the weekend, Monday's four hours and a half hour after lunch.
    assert calendar.between(
        local(SANTIAGO, 2026, 6, 5, 12), local(SANTIAGO, 2026, 6, 8, 14, 30)
    ) == timedelta(hours=9, minutes=30)
    # A pause that starts and ends outside working time counts nothing.
    assert (
        calendar.between(local(SANTIAGO, 2026, 6, 5, 19), local(SANTIAGO, 2026, 6, 8, 8)) == bt.ZERO
    )
    # end before start
    assert calendar.between(local(SANTIAGO, 2026, 6, 8), local(SANTIAGO, 2026, 6, 5)) == bt.ZERO


def test_ticket_opened_on_saturday_night_in_madrid_is_due_on_monday():
    calendar = pure("Europe/Madrid", MON_FRI_9_18)

    saturday_night = local(MADRID, 2026, 1, 10, 22)
    assert same_instant(calendar.add(saturday_night, H), local(MADRID, 2026, 1, 12, 10))
    assert calendar.add(saturday_night, H) == datetime(2026, 1, 12, 9, tzinfo=UTC)  # CET

    # The same on the weekend the clocks change: Monday 10:00 is now CEST.
    before_the_change = local(MADRID, 2026, 3, 28, 22)
    assert calendar.add(before_the_change, H) == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_intervals_ending_at_midnight():
    calendar = pure("UTC", {4: [("18:00", "24:00")], 5: [("00:00", "06:00")]})
    friday = 2026, 1, 9

    assert calendar.add(local(UTC, *friday, 23), 2 * H) == local(UTC, 2026, 1, 10, 1)
    assert calendar.between(local(UTC, *friday, 20), local(UTC, 2026, 1, 10, 2)) == 6 * H
    assert calendar.add(local(UTC, *friday, 18), 6 * H) == local(UTC, 2026, 1, 10, 0)
    assert calendar.subtract(local(UTC, 2026, 1, 10, 1), 2 * H) == local(UTC, *friday, 23)
    assert calendar.is_working(local(UTC, 2026, 1, 10, 0))
    assert calendar.periods(date(*friday)) == [
        (local(UTC, *friday, 18), local(UTC, 2026, 1, 10, 0))
    ]


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError):
        bt.Interval(600, 600)
    with pytest.raises(ValueError):
        bt.Interval(0, bt.MINUTES_PER_DAY + 1)
    with pytest.raises(ValueError):
        pure("UTC", {0: [("09:00", "13:00"), ("12:00", "18:00")]})


def test_a_calendar_without_hours_raises():
    calendar = pure("UTC", {})
    moment = local(UTC, 2026, 1, 12, 9)
    for call in (
        lambda: calendar.add(moment, H),
        lambda: calendar.subtract(moment, H),
        lambda: calendar.between(moment, moment + H),
        lambda: calendar.next_working_moment(moment),
    ):
        with pytest.raises(ValueError, match="no working hours"):
            call()


def test_a_calendar_that_never_opens_gives_up():
    calendar = pure("UTC", MON_FRI_9_18, is_holiday=lambda day: True)
    with pytest.raises(ValueError, match="no working time"):
        calendar.add(local(UTC, 2026, 1, 12, 9), H)
    with pytest.raises(ValueError, match="no working time"):
        calendar.subtract(local(UTC, 2026, 1, 12, 9), H)


@pytest.mark.parametrize("always_open", [False, True])
def test_naive_datetimes_raise(always_open):
    calendar = pure("UTC", EVERY_DAY, always_open=always_open)
    naive = datetime(2026, 1, 12, 9)
    aware = naive.replace(tzinfo=UTC)
    for call in (
        lambda: calendar.add(naive, H),
        lambda: calendar.subtract(naive, H),
        lambda: calendar.between(naive, aware),
        lambda: calendar.between(aware, naive),
    ):
        with pytest.raises(ValueError, match="aware"):
            call()
    if not always_open:
        with pytest.raises(ValueError, match="aware"):
            calendar.next_working_moment(naive)


# -- daylight saving ------------------------------------------------------------------


def transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The instants (UTC) at which `zone` changes its offset during `year`, to the minute."""
    found, moment = [], datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(minutes=15)
        if moment.astimezone(zone).utcoffset() != offset:
            found.append(moment)
            offset = moment.astimezone(zone).utcoffset()
    return found


def test_the_transitions_these_tests_rely_on():
    # Chile: summer time ends on the first Sunday of April (Saturday 24:00 goes
    # back to 23:00) and starts on the first Sunday of September (00:00 -> 01:00).
    assert transitions(SANTIAGO, 2026) == [
        datetime(2026, 4, 5, 3, tzinfo=UTC),
        datetime(2026, 9, 6, 4, tzinfo=UTC),
    ]
    # Brazil had summer time until 2019: Sunday 2018-11-04 00:00 jumped to 01:00.
    assert transitions(SAO_PAULO, 2018) == [
        datetime(2018, 2, 18, 2, tzinfo=UTC),
        datetime(2018, 11, 4, 3, tzinfo=UTC),
    ]
    assert transitions(SAO_PAULO, 2020) == []
    # Spain: last Sunday of March 02:00 -> 03:00, last Sunday of October 03:00 -> 02:00.
    assert transitions(MADRID, 2026) == [
        datetime(2026, 3, 29, 1, tzinfo=UTC),
        datetime(2026, 10, 25, 1, tzinfo=UTC),
    ]


@pytest.mark.parametrize("always_open", [True, False], ids=["always_open", "every_hour"])
@pytest.mark.parametrize(
    ("zone", "start", "wall_end"),
    [
        # Santiago falls back: 24 real hours end at 11:00 on the wall.
        (SANTIAGO, (2026, 4, 4, 12), (2026, 4, 5, 11)),
        # Santiago springs forward: they end at 13:00 on the wall.
        (SANTIAGO, (2026, 9, 5, 12), (2026, 9, 6, 13)),
        (MADRID, (2026, 3, 28, 12), (2026, 3, 29, 13)),
        (MADRID, (2026, 10, 24, 12), (2026, 10, 25, 11)),
        (SAO_PAULO, (2018, 11, 3, 12), (2018, 11, 4, 13)),
    ],
)
def test_24x7_business_time_is_real_time_across_a_change(zone, start, wall_end, always_open):
    calendar = pure(zone.key, EVERY_DAY, always_open=always_open)
    begin, end = local(zone, *start), local(zone, *wall_end)

    assert end.astimezone(UTC) - begin.astimezone(UTC) == 24 * H
    assert same_instant(calendar.add(begin, 24 * H), end)
    assert calendar.between(begin, end) == 24 * H
    assert same_instant(calendar.subtract(end, 24 * H), begin)


@pytest.mark.parametrize("always_open", [True, False], ids=["always_open", "every_hour"])
def test_a_fall_back_day_is_25_business_hours_on_a_24x7_calendar(always_open):
    calendar = pure("America/Santiago", EVERY_DAY, always_open=always_open)
    # Saturday 2026-04-04 00:00 (-03) to Sunday 00:00 (-04): the hour 23:00-24:00 twice.
    saturday, sunday = local(SANTIAGO, 2026, 4, 4), local(SANTIAGO, 2026, 4, 5)

    assert calendar.between(saturday, sunday) == 25 * H
    assert same_instant(calendar.add(saturday, 25 * H), sunday)


@pytest.mark.parametrize(
    "day", [date(2026, 4, 5), date(2026, 9, 6)], ids=["santiago_fall_back", "santiago_spring"]
)
def test_a_nine_to_six_day_is_nine_real_hours_on_a_dst_day(day):
    calendar = pure("America/Santiago", EVERY_DAY_9_18)
    start = local(SANTIAGO, day.year, day.month, day.day)

    ((opens, closes),) = calendar.periods(day)
    assert closes - opens == 9 * H
    assert calendar.between(start, start + timedelta(days=1)) == 9 * H
    assert same_instant(calendar.add(start, 9 * H), local(SANTIAGO, *day.timetuple()[:3], 18))


def test_sao_paulo_midnight_jump_makes_00_06_last_five_hours():
    calendar = pure("America/Sao_Paulo", {6: [("00:00", "06:00")]})  # Sundays
    day = date(2018, 11, 4)

    ((opens, closes),) = calendar.periods(day)
    # 00:00 did not exist: the day started at 01:00 (-02), i.e. 03:00 UTC.
    assert opens == datetime(2018, 11, 4, 3, tzinfo=UTC)
    assert closes == datetime(2018, 11, 4, 8, tzinfo=UTC)
    assert calendar.between(
        local(SAO_PAULO, 2018, 11, 3, 12), local(SAO_PAULO, 2018, 11, 4, 12)
    ) == (5 * H)
    assert calendar.add(local(SAO_PAULO, 2018, 11, 3, 12), 5 * H) == closes
    # One week earlier, a normal Sunday: six hours.
    assert calendar.between(
        local(SAO_PAULO, 2018, 10, 27, 12), local(SAO_PAULO, 2018, 10, 28, 12)
    ) == (6 * H)


def test_sao_paulo_fall_back_makes_22_24_last_three_hours():
    calendar = pure("America/Sao_Paulo", {5: [("22:00", "24:00")]})  # Saturdays
    # 2018-02-18 00:00 (-02) went back to 23:00 (-03) on the 17th.
    ((opens, closes),) = calendar.periods(date(2018, 2, 17))
    assert closes - opens == 3 * H


def test_madrid_01_04_spanning_the_gap_is_two_real_hours():
    calendar = pure("Europe/Madrid", {6: [("01:00", "04:00")]})  # Sundays

    ((opens, closes),) = calendar.periods(date(2026, 3, 29))
    assert (opens, closes) == (
        datetime(2026, 3, 29, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 2, tzinfo=UTC),
    )
    assert calendar.between(local(MADRID, 2026, 3, 29), local(MADRID, 2026, 3, 29, 12)) == 2 * H
    # And when the hour 02:00-03:00 happens twice, four.
    assert calendar.between(local(MADRID, 2026, 10, 25), local(MADRID, 2026, 10, 25, 12)) == 4 * H
    assert calendar.between(local(MADRID, 2026, 3, 22), local(MADRID, 2026, 3, 22, 12)) == 3 * H


@pytest.mark.parametrize(
    ("zone", "day", "intervals", "working"),
    [
        # Santiago 2026-09-06: 00:00-01:00 does not exist; 00:00-00:30 and 01:00-08:00
        # are, on the wall, 01:00-08:00 (-03): seven hours.
        (SANTIAGO, date(2026, 9, 6), [("00:00", "00:30"), ("01:00", "08:00")], 7 * H),
        # Madrid 2026-03-29: 02:00-03:00 does not exist; 01:00-02:30 and 03:00-04:00
        # are 01:00-02:00 (CET) and 03:00-04:00 (CEST): two hours.
        (MADRID, date(2026, 3, 29), [("01:00", "02:30"), ("03:00", "04:00")], 2 * H),
    ],
)
def test_interval_ends_inside_a_spring_forward_gap_are_not_counted_twice(
    zone, day, intervals, working
):
    calendar = pure(zone.key, {6: intervals})
    start = local(zone, day.year, day.month, day.day)
    end = start + timedelta(days=1)

    periods = calendar.periods(day)
    assert all(before[1] <= after[0] for before, after in pairwise(periods))
    assert calendar.between(start, end) == working
    assert calendar.add(start, working) == max(period_end for _, period_end in periods)


def test_local_aware_inputs_are_read_as_instants():
    """A wall time in the repeated hour (fold=1) is the second 02:30, an hour later."""
    calendar = pure("Europe/Madrid", EVERY_DAY, always_open=True)
    first = local(MADRID, 2026, 10, 25, 2, 30)
    second = first.replace(fold=1)

    assert calendar.between(first, second) == H
    assert calendar.add(first, H) == second.astimezone(UTC)
    assert calendar.subtract(second, H) == first.astimezone(UTC)


# -- calendars from the database: public holidays and the calendar's own --------------


def test_holidays_package_facts_used_below():
    chile = public_holidays.country_holidays("CL", years=2026)
    assert {date(2026, 9, 18), date(2026, 9, 19)} <= set(chile)  # Fiestas Patrias
    madrid = public_holidays.country_holidays("ES", subdiv="MD", years=2026)
    spain = public_holidays.country_holidays("ES", years=2026)
    # 2 May (Día de la Comunidad de Madrid, a Saturday in 2026) and Maundy Thursday
    # are Madrid's own; 1 May is national.
    assert date(2026, 5, 2) in madrid and date(2026, 5, 2) not in spain
    assert date(2026, 4, 2) in madrid and date(2026, 4, 2) not in spain
    assert date(2026, 5, 1) in spain


MON_SAT_9_18 = {day: [("09:00", "18:00")] for day in range(6)}


@pytest.mark.django_db
def test_chile_fiestas_patrias_are_skipped():
    chile = make_calendar(tz="America/Santiago", hours=MON_SAT_9_18, country="CL").build()
    no_holidays = make_calendar(tz="America/Santiago", hours=MON_SAT_9_18).build()
    thursday = local(SANTIAGO, 2026, 9, 17, 17)

    # Friday 18 and Saturday 19 are holidays, Sunday is not a working day.
    assert same_instant(chile.add(thursday, 2 * H), local(SANTIAGO, 2026, 9, 21, 10))
    assert same_instant(no_holidays.add(thursday, 2 * H), local(SANTIAGO, 2026, 9, 18, 10))
    assert chile.between(thursday, local(SANTIAGO, 2026, 9, 21, 10)) == 2 * H
    assert chile.periods(date(2026, 9, 18)) == chile.periods(date(2026, 9, 19)) == []


@pytest.mark.django_db
def test_madrid_regional_holidays_come_with_the_subdivision():
    madrid = make_calendar(
        tz="Europe/Madrid", hours=MON_SAT_9_18, country="ES", subdivision="MD"
    ).build()
    spain = make_calendar(tz="Europe/Madrid", hours=MON_SAT_9_18, country="ES").build()
    thursday = local(MADRID, 2026, 4, 30, 17)

    # Friday 1 May (national), Saturday 2 May (Madrid), Sunday: Monday 10:00.
    assert same_instant(madrid.add(thursday, 2 * H), local(MADRID, 2026, 5, 4, 10))
    assert same_instant(spain.add(thursday, 2 * H), local(MADRID, 2026, 5, 2, 10))
    # Maundy Thursday (Madrid) and Good Friday (national) in Easter week.
    wednesday = local(MADRID, 2026, 4, 1, 17)
    assert same_instant(madrid.add(wednesday, 2 * H), local(MADRID, 2026, 4, 4, 10))
    assert same_instant(spain.add(wednesday, 2 * H), local(MADRID, 2026, 4, 2, 10))


@pytest.mark.django_db
def test_the_calendars_own_holidays_are_skipped_with_the_public_ones():
    calendar = make_calendar(
        tz="America/Santiago", hours=MON_FRI_9_18, country="CL", holidays=[date(2026, 12, 24)]
    ).build()
    own_only = make_calendar(
        tz="America/Santiago", hours=MON_FRI_9_18, holidays=[date(2026, 12, 24)]
    ).build()
    wednesday = local(SANTIAGO, 2026, 12, 23, 17)

    # Thursday 24 is the calendar's own, Friday 25 is Christmas: Monday 28.
    assert same_instant(calendar.add(wednesday, 2 * H), local(SANTIAGO, 2026, 12, 28, 10))
    assert same_instant(own_only.add(wednesday, 2 * H), local(SANTIAGO, 2026, 12, 25, 10))


@pytest.mark.django_db
def test_stored_hours_build_split_days_and_midnight_ends():
    stored = make_calendar(
        tz="UTC",
        hours={0: [("14:00", "18:00"), ("09:00", "13:00")], 4: [("20:00", "24:00")]},
    )
    calendar = stored.build()

    assert [(i.start, i.end) for i in calendar.week[0]] == [(540, 780), (840, 1080)]
    assert calendar.week[4] == (bt.Interval(1200, bt.MINUTES_PER_DAY),)
    friday = date(2026, 1, 9)
    assert calendar.periods(friday) == [(local(UTC, 2026, 1, 9, 20), local(UTC, 2026, 1, 10))]


@pytest.mark.django_db
def test_a_stored_calendar_without_hours_raises_and_24x7_needs_none():
    with pytest.raises(ValueError, match="no working hours"):
        make_calendar(tz="UTC").build().add(local(UTC, 2026, 1, 12), H)
    always = make_calendar(tz="America/Santiago", always_open=True, country="CL").build()
    # 24x7 means every hour, holidays included.
    thursday = local(SANTIAGO, 2026, 9, 17, 12)
    assert always.add(thursday, 48 * H) == thursday.astimezone(UTC) + 48 * H


@pytest.mark.django_db
def test_an_unknown_country_has_no_public_holidays():
    calendar = make_calendar(tz="UTC", hours=MON_FRI_9_18, country="ZZ")
    assert calendar.public_holidays(2026) == set()


# -- properties -----------------------------------------------------------------------


def _chile_holidays() -> frozenset[date]:
    return frozenset(public_holidays.country_holidays("CL", years=range(2017, 2030)))


CALENDARS = {
    "24x7_madrid": pure("Europe/Madrid", EVERY_DAY, always_open=True),
    "every_hour_santiago": pure("America/Santiago", EVERY_DAY),
    "mon_fri_9_18_madrid": pure("Europe/Madrid", MON_FRI_9_18),
    "split_day_sao_paulo": pure("America/Sao_Paulo", SPLIT_DAY),
    "santiago_with_holidays": pure("America/Santiago", MON_FRI_9_18, holidays=_chile_holidays()),
    "santiago_nights": pure(
        "America/Santiago", {4: [("18:00", "24:00")], 5: [("00:00", "06:00"), ("20:00", "24:00")]}
    ),
    # Sunday boundaries inside Chile's midnight gap (first Sunday of September, mostly).
    "sunday_gap_santiago": pure("America/Santiago", {6: [("00:00", "00:30"), ("00:45", "08:00")]}),
}
ZONES = [UTC, SANTIAGO, SAO_PAULO, MADRID]

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
moments = st.datetimes(
    min_value=datetime(2018, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
durations = st.integers(min_value=0, max_value=30 * 86400).map(lambda s: timedelta(seconds=s))
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(calendar=calendars, start=moments, d1=durations, d2=durations)
def test_add_never_goes_back_and_grows_with_the_duration(calendar, start, d1, d2):
    d1, d2 = sorted([d1, d2])
    first, second = calendar.add(start, d1), calendar.add(start, d2)

    assert first >= start
    assert first <= second


@fast
@given(calendar=calendars, s1=moments, s2=moments, duration=durations)
def test_add_grows_with_the_start(calendar, s1, s2, duration):
    s1, s2 = sorted([s1, s2], key=lambda m: m.astimezone(UTC))
    assert calendar.add(s1, duration) <= calendar.add(s2, duration)


@fast
@given(calendar=calendars, start=moments, duration=durations)
def test_between_measures_what_add_added(calendar, start, duration):
    assert calendar.between(start, calendar.add(start, duration)) == duration


@fast
@given(calendar=calendars, moment=moments, duration=durations)
def test_subtract_undoes_add_from_working_time(calendar, moment, duration):
    start = calendar.next_working_moment(moment)

    assert calendar.is_working(start)
    assert same_instant(calendar.subtract(calendar.add(start, duration), duration), start)


@fast
@given(calendar=calendars, start=moments, end=moments)
def test_between_is_additive(calendar, start, end):
    start, end = sorted([start.astimezone(UTC), end.astimezone(UTC)])
    middle = start + (end - start) / 3
    assert calendar.between(start, end) == calendar.between(start, middle) + calendar.between(
        middle, end
    )


# A deadline never moves earlier when a pause or a target grows. The clock is
# simulated with the very functions the services use to move stored clocks.

POLICY = SLAPolicy(warning_percent=80)


def _clock(start, target):
    clock = SimpleNamespace(
        target=target,
        elapsed=bt.ZERO,
        running_since=start,
        due_at=None,
        warn_at=None,
        met_at=None,
        stopped_at=None,
        breached_at=None,
    )
    return clock


def deadline(calendar, start, target, pause=None):
    clock = _clock(start, target)
    services._schedule(clock, calendar, POLICY)
    if pause is not None:
        paused_at, resumed_at = pause
        if paused_at < clock.due_at:
            services._pause(clock, calendar, paused_at, None)  # never late here
            services._resume(clock, calendar, POLICY, resumed_at)
    return clock


targets = st.integers(min_value=1, max_value=30 * 24 * 60).map(lambda m: timedelta(minutes=m))
offsets = st.integers(min_value=0, max_value=60 * 86400).map(lambda s: timedelta(seconds=s))


@fast
@given(calendar=calendars, start=moments, target=targets, into=offsets, length=offsets)
def test_a_pause_never_brings_the_deadline_forward(calendar, start, target, into, length):
    start = start.astimezone(UTC)
    paused_at = start + into
    resumed_at = paused_at + length

    plain = deadline(calendar, start, target)
    paused = deadline(calendar, start, target, pause=(paused_at, resumed_at))

    assert paused.due_at >= plain.due_at
    assert paused.warn_at <= paused.due_at
    if paused_at < plain.due_at:
        # The business time used before and after the pause adds up to the target.
        used = calendar.between(start, paused_at) + calendar.between(resumed_at, paused.due_at)
        assert used == target
        assert paused.due_at >= resumed_at


@fast
@given(calendar=calendars, start=moments, t1=targets, t2=targets, into=offsets, length=offsets)
def test_a_longer_target_never_brings_the_deadline_forward(calendar, start, t1, t2, into, length):
    t1, t2 = sorted([t1, t2])
    start = start.astimezone(UTC)
    pause = (start + into, start + into + length)

    assert deadline(calendar, start, t1).due_at <= deadline(calendar, start, t2).due_at
    assert (
        deadline(calendar, start, t1, pause=pause).due_at
        <= deadline(calendar, start, t2, pause=pause).due_at
    )
    shorter, longer = deadline(calendar, start, t1), deadline(calendar, start, t2)
    assert shorter.warn_at <= longer.warn_at
