from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task
def poll(measurement_id: int):
    """Look at a running measurement, and again after the backoff until it is over."""
    wait = services.measurement_poll(measurement_id=measurement_id)
    if wait is not None:
        poll.apply_async((measurement_id,), countdown=wait)
    return wait


@shared_task
def poll_due():
    """Running measurements nobody looked at in time (a worker lost its task)."""
    return services.poll_due()


BEAT = [BeatJob("diagnostics-poll-due", "diagnostics.tasks.poll_due", 5 * 60.0, expires=4 * 60)]
