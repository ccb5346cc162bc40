"""What an SLA clock's state means for a person looking at it. Pure Python."""

from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mark(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    PAUSED = "paused", _("Paused")


EXPLANATIONS = {
    Mark.ON_TRACK: _("Within the target, with time to spare."),
    Mark.AT_RISK: _("Most of the time is used: the deadline is close."),
    Mark.BREACHED: _("The deadline passed before support answered or solved it."),
    Mark.MET: _("Done within the target."),
    Mark.PAUSED: _("The clock is stopped while the ticket waits on you or a third party."),
}


def mark(clock, now: datetime) -> str:
    if clock.met_at is not None:
        return (
            Mark.BREACHED
            if clock.breached_at is not None
            or (clock.due_at is not None and clock.met_at > clock.due_at)
            else Mark.MET
        )
    if clock.breached_at is not None:
        return Mark.BREACHED
    if clock.running_since is None:
        return Mark.PAUSED
    if clock.due_at is not None and now >= clock.due_at:
        return Mark.BREACHED
    if clock.warn_at is not None and now >= clock.warn_at:
        return Mark.AT_RISK
    return Mark.ON_TRACK


def remaining(clock, now: datetime, calendar) -> timedelta | None:
    """Business time left before the deadline (negative once it has passed)."""
    if clock.met_at is not None or clock.stopped_at is not None:
        return None
    if clock.running_since is None:
        return clock.target - clock.elapsed
    if clock.due_at is None:
        return None
    if now <= clock.due_at:
        return calendar.between(now, clock.due_at)
    return -calendar.between(clock.due_at, now)
