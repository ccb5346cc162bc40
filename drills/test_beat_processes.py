"""Drill 4b: two real `celery beat` processes, every entry each two seconds, for half a minute.

The real-time companion of drills/test_two_beats.py: two `celery beat`
subprocesses (drills/beat_app.py: the portal's schedule, each interval set to
two seconds) send every beat task to a real worker, twice over, for about 35
seconds; the same recurring tickets, SLA deadlines, auto-closes, signature
reminders and expiries as the simulated drill fall due within it, spaced by
fifths of a second. Each must happen once.
"""

import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import redis
from django.utils import timezone

from activity.models import Event
from drills.conftest import record
from drills.test_two_beats import count_effects, make_due
from tests.e2e.worker import PROJECT_DIR, wait_until

CELERY = str(Path(sys.executable).with_name("celery"))
LEAD = timedelta(seconds=15)  # both beats are up before anything falls due
STEP = timedelta(seconds=0.2)  # the last thing due 55 steps (11 s) after that
INTERVAL = 2


def test_two_beat_processes_do_everything_once(start_worker, world, settings, drill_clock):
    settings.SIGNING_REMIND_BEFORE_HOURS = 48
    worker = start_worker()
    first_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    start = timezone.now() + LEAD
    _documents, resources = make_due(world, start, STEP)
    folder = Path(tempfile.mkdtemp(prefix="drill-beat-"))
    env = dict(worker.env, DRILL_BEAT_SECONDS=str(INTERVAL))
    beats = [
        subprocess.Popen(  # noqa: S603 (our own command line)
            [
                CELERY,
                "-A",
                "drills.beat_app",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(folder / f"beat-{n}"),
                "--pidfile",
                str(folder / f"beat-{n}.pid"),
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    end = start + STEP * 55 + timedelta(seconds=3 * INTERVAL)
    try:
        while timezone.now() < end:
            time.sleep(0.5)
            for beat in beats:
                assert beat.poll() is None, beat.stdout.read()[-3000:]
    finally:
        for beat in beats:
            beat.terminate()
        outputs = [beat.communicate(timeout=20)[0] for beat in beats]
    sent = [output.count("Scheduler: Sending due task") for output in outputs]

    # What the beats sent, run to the end by the worker.
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert wait_until(lambda: broker.llen("celery") == 0, timeout=120, interval=1.0)
    time.sleep(3)
    worker.assert_alive()

    figures, lost, duplicated = count_effects(world, first_event, start, end, resources)
    figures = record(
        "beat_processes",
        beats=2,
        interval_seconds=INTERVAL,
        tasks_sent_by_each_beat=sent,
        **figures,
        lost=lost,
        duplicated=duplicated,
        seconds=drill_clock(),
    )
    assert all(n > 0 for n in sent), outputs
    assert lost == 0, figures
    assert duplicated == 0, figures
