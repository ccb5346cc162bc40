"""Celery entry points for tickets, scheduled by beat (BEAT below).

Thin on purpose: each calls one service that decides what is due and claims it,
so a task that runs twice, late or at the same time as another does no harm.
"""

from celery import shared_task

from core.plugins import BeatJob

from . import recurring, services


@shared_task
def recurring_tickets_sweep() -> int:
    return recurring.recurring_run_due()


@shared_task
def auto_close_sweep() -> int:
    return services.auto_close_due()


# Both sweeps catch up on everything due when they run, so a message that
# waited longer than its interval (workers down) is dropped, not replayed.
BEAT = [
    BeatJob("tickets-recurring-sweep", "tickets.tasks.recurring_tickets_sweep", 60.0, expires=60),
    BeatJob(
        "tickets-auto-close-sweep", "tickets.tasks.auto_close_sweep", 15 * 60.0, expires=15 * 60
    ),
]
