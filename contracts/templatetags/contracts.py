"""How hours are written on the contract pages and in the statement."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template

from ..periods import OPEN_END

register = template.Library()


@register.filter
def hm(minutes) -> str:
    """Minutes as hours and minutes: 210 -> '3 h 30', 180 -> '3 h', 45 -> '45 min', 0 -> '0 h'."""
    minutes = int(minutes or 0)
    if not minutes:
        return "0 h"
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not hours:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h {rest:02d}" if rest else f"{sign}{hours} h"


def decimal_hours(minutes) -> Decimal:
    """Minutes as hours with two decimals (the statement's CSV): 90 -> 1.50."""
    return (Decimal(int(minutes or 0)) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


@register.filter
def bar_step(percent) -> int:
    """A share as the nearest 5 % step of a bar (CSS classes, no inline style).

    A little use never shows as an empty bar, nor a little left as a full one.
    """
    percent = max(0, min(int(percent or 0), 100))
    step = 5 * round(percent / 5)
    if percent and not step:
        return 5
    if percent < 100 and step == 100:
        return 95
    return step


@register.filter
def last_day(period):
    """The period's last day (its `end` is exclusive); None for an open-ended bank."""
    if period is None or period.end >= OPEN_END:
        return None
    return period.end - timedelta(days=1)
