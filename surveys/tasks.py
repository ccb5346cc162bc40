from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task
def sweep() -> dict:
    """Reminders due, sendings to close, and this quarter's scheduled sendings: each once."""
    return {
        "reminded": services.remind_due(),
        "closed": services.close_due(),
        "scheduled": services.schedules_due(),
    }


BEAT = [BeatJob("surveys-sweep", "surveys.tasks.sweep", 15 * 60.0, expires=10 * 60)]
