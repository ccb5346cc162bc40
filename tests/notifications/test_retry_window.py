"""The default retry schedule waits out an hour-long outage of a relay or of Telegram.

drills/test_relays_down.py runs that outage with real processes; this pins the
arithmetic of the defaults, so a change to them that would give up within the
hour fails here first.
"""

from django.conf import settings

from notifications import delivery

HOUR = 60 * 60


def test_the_default_attempts_span_more_than_an_hour_and_a_half():
    waits = [delivery.backoff(n) for n in range(1, settings.NOTIFICATION_MAX_ATTEMPTS)]
    # First attempt at 0; the last one this long after it.
    assert sum(waits) > 1.5 * HOUR, waits


def test_the_waits_double_from_the_base_up_to_the_cap():
    waits = [delivery.backoff(n) for n in range(1, 10)]
    assert waits[:4] == [30, 60, 120, 240]
    assert max(waits) == settings.NOTIFICATION_RETRY_MAX_SECONDS == HOUR
