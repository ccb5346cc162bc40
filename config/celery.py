import os

from celery import Celery, signals

from core import requestid

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


@signals.setup_logging.connect
def keep_django_logging(**kwargs):
    """Workers and beat log through settings.LOGGING (plain or JSON, with the request id).

    Connecting this signal stops Celery from replacing the root logger's handlers.
    """


# The request id follows a request into the tasks it enqueues (core/requestid.py).
signals.before_task_publish.connect(requestid.on_before_task_publish, weak=False)
signals.task_prerun.connect(requestid.on_task_prerun, weak=False)
signals.task_postrun.connect(requestid.on_task_postrun, weak=False)
