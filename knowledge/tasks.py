from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task
def announce_due():
    """Scheduled articles that went live: their readers hear of them."""
    return services.announce_due()


@shared_task
def settle_deflections():
    """Visits to the new-ticket form whose 30 minutes are over: deflected or not."""
    return services.settle_deflections()


BEAT = [
    BeatJob("knowledge-announce-due", "knowledge.tasks.announce_due", 5 * 60.0, expires=4 * 60),
    BeatJob(
        "knowledge-settle-deflections",
        "knowledge.tasks.settle_deflections",
        5 * 60.0,
        expires=4 * 60,
    ),
]
