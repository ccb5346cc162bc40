import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect
def collect_beat_jobs(sender=None, **kwargs):
    """The schedule is every installed app's BEAT list (core.plugins.BeatJob, beside its tasks).

    import_modules is sent when a worker or beat starts, after Celery's Django
    fix-up has set Django up, and before beat reads its schedule.
    """
    from core.plugins import beat_schedule

    app.conf.beat_schedule = beat_schedule()
