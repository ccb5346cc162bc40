from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task(expires=55)
def sla_sweep() -> tuple[int, int]:
    return services.sweep()


BEAT = [BeatJob("sla-sweep", "sla.tasks.sla_sweep", 60.0, expires=55)]
