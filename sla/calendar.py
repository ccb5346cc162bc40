"""Business time: adding, measuring and subtracting working time on a calendar.

Pure Python (no database). A calendar is a time zone, working intervals per
weekday in local wall time (several a day allowed), and holidays. Business
time is real elapsed time inside those intervals: on a daylight-saving change
an interval lasts what the clock on the wall says it lasts.

Rules the rest of the portal relies on (and tests/sla pins):
- add(start, d) never returns a moment before start, and grows with d;
- between(a, add(a, d)) == d;
- subtract(add(s, d), d) == s for any s inside working time.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# A calendar that never opens would loop forever; beyond this we give up.
MAX_DAYS = 3 * 366
ZERO = timedelta(0)


@dataclass(frozen=True, order=True)
class Interval:
    """Working time on one weekday, in minutes after local midnight; end may be 1440."""

    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"bad working interval {self.start}-{self.end}")


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo
    # weekday (0 = Monday) -> intervals, sorted and not overlapping
    week: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    is_holiday: Callable[[date], bool] = lambda day: False
    always_open: bool = False

    @classmethod
    def build(cls, tz: str, week: dict[int, Iterable[tuple[int, int]]], holidays=(), **kw):
        intervals = {}
        for weekday, spans in week.items():
            ordered = tuple(sorted(Interval(s, e) for s, e in spans))
            for before, after in pairwise(ordered):
                if after.start < before.end:
                    raise ValueError(f"overlapping intervals on weekday {weekday}")
            intervals[weekday] = ordered
        days = frozenset(holidays)
        return cls(
            timezone=ZoneInfo(tz),
            week=intervals,
            is_holiday=kw.pop("is_holiday", days.__contains__),
            **kw,
        )

    # -- building blocks -----------------------------------------------------------

    def _wall(self, day: date, minute: int) -> datetime:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.timezone)
        # A wall time skipped by a spring-forward change is read with the
        # offset before the change: the gap's start maps to the gap's end, a
        # time inside the gap to as much after its end.
        return local.astimezone(UTC)

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of one local day, as UTC instants."""
        if self.is_holiday(day):
            return []
        spans = []
        for interval in self.week.get(day.weekday(), ()):
            start, end = self._wall(day, interval.start), self._wall(day, interval.end)
            if spans:
                # A wall time inside a spring-forward gap maps the gap's length
                # later (see _wall), possibly into the next interval: count once.
                start = max(start, spans[-1][1])
            if end > start:
                spans.append((start, end))
        return spans

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def _check(self, moment: datetime) -> datetime:
        """`moment` in UTC: Python adds to and subtracts aware datetimes of one zone
        in wall time (a day across a daylight-saving change would last 24 wall
        hours), while UTC arithmetic is real elapsed time."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("business time needs aware datetimes")
        if not self.always_open and not any(self.week.values()):
            raise ValueError("this calendar has no working hours")
        return moment.astimezone(UTC)

    # -- the three operations ------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of working time has passed after `start`."""
        start = self._check(start)
        if duration <= ZERO:
            return start
        if self.always_open:
            return start + duration
        remaining = duration
        day = self._local_day(start) - timedelta(days=1)
        for _ in range(MAX_DAYS):
            for period_start, period_end in self.periods(day):
                if period_end <= start:
                    continue
                begin = max(period_start, start)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise ValueError("no working time found within three years")

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The latest moment from which `duration` of working time ends at `end`."""
        end = self._check(end)
        if duration <= ZERO:
            return end
        if self.always_open:
            return end - duration
        remaining = duration
        day = self._local_day(end) + timedelta(days=1)
        for _ in range(MAX_DAYS):
            for period_start, period_end in reversed(self.periods(day)):
                if period_start >= end:
                    continue
                finish = min(period_end, end)
                available = finish - period_start
                if remaining <= available:
                    return finish - remaining
                remaining -= available
            day -= timedelta(days=1)
        raise ValueError("no working time found within three years")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when end is not after start)."""
        start, end = self._check(start), self._check(end)
        if end <= start:
            return ZERO
        if self.always_open:
            return end - start
        total = ZERO
        day = self._local_day(start) - timedelta(days=1)
        last = self._local_day(end) + timedelta(days=1)
        while day <= last:
            for period_start, period_end in self.periods(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > ZERO:
                    total += overlap
            day += timedelta(days=1)
        return total

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself if it is working time, else the start of the next period."""
        moment = self._check(moment)
        if self.always_open:
            return moment
        day = self._local_day(moment) - timedelta(days=1)
        for _ in range(MAX_DAYS):
            for period_start, period_end in self.periods(day):
                if period_end > moment:
                    return max(period_start, moment)
            day += timedelta(days=1)
        raise ValueError("no working time found within three years")

    def is_working(self, moment: datetime) -> bool:
        return self.always_open or self.next_working_moment(moment) == self._check(moment)


ALWAYS = {weekday: [(0, MINUTES_PER_DAY)] for weekday in range(7)}
