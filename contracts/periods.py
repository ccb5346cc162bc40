"""Hours bank periods: which stretch of days an hour of work counts in. Pure Python.

Monthly banks reset on the first day of each calendar month and yearly banks on
each anniversary of the contract's start, both in the organisation's time zone;
a one-off bank is one period from the contract's start to its end. Periods are
[start, end): `end` is the first day of the next one.
"""

from datetime import date

MONTHLY, YEARLY, ONE_OFF = "monthly", "yearly", "one_off"
OPEN_END = date(9999, 12, 31)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def period_bounds(kind: str, contract_start: date, contract_end: date | None, on: date):
    """The period containing the local date `on`, or None before the contract starts."""
    if on < contract_start or (contract_end is not None and on > contract_end):
        return None
    if kind == MONTHLY:
        start = on.replace(day=1)
        end = (
            date(start.year + 1, 1, 1)
            if start.month == 12
            else start.replace(month=start.month + 1)
        )
    elif kind == YEARLY:
        years = on.year - contract_start.year
        start = _add_years(contract_start, years)
        if start > on:
            start = _add_years(contract_start, years - 1)
        end = _add_years(start, 1)
    elif kind == ONE_OFF:
        start = contract_start
        end = date.fromordinal(contract_end.toordinal() + 1) if contract_end else OPEN_END
    else:
        raise ValueError(f"unknown bank kind {kind!r}")
    return start, end


def previous_day(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)
