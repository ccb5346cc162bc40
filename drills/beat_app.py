"""`celery -A drills.beat_app beat`: the portal's beat schedule, every entry each few seconds.

For the two-beat drill only (drills/test_beat_processes.py): the same app and
tasks as config.celery, its schedule collected the same way (every app's BEAT
list), then every interval set to DRILL_BEAT_SECONDS, so that a short real-time
run sends each task many times from each beat.
"""

import os

from celery import signals

from config.celery import app, collect_beat_jobs

__all__ = ["app"]


@signals.import_modules.connect
def every_few_seconds(sender=None, **kwargs):
    collect_beat_jobs()
    seconds = float(os.environ.get("DRILL_BEAT_SECONDS", "2"))
    app.conf.beat_schedule = {
        name: {**entry, "schedule": seconds} for name, entry in app.conf.beat_schedule.items()
    }
