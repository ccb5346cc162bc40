from celery import shared_task
from celery.schedules import crontab

from core.plugins import BeatJob

from . import services


@shared_task(expires=60 * 60)
def open_periods() -> int:
    return services.open_current_periods()


# Opens each bank's new period just after midnight UTC; pages never create one.
BEAT = [
    BeatJob(
        "contracts-open-periods",
        "contracts.tasks.open_periods",
        crontab(minute=5, hour=0),
        expires=60 * 60,
    )
]
