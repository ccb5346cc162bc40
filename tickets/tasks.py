"""Celery entry points for tickets, scheduled by beat (CELERY_BEAT_SCHEDULE in settings).

Thin on purpose: each calls one service that decides what is due and claims it,
so a task that runs twice, late or at the same time as another does no harm.
"""

from celery import shared_task

from . import recurring, services


@shared_task
def recurring_tickets_sweep() -> int:
    return recurring.recurring_run_due()


@shared_task
def auto_close_sweep() -> int:
    return services.auto_close_due()
