from celery import shared_task

from . import services


@shared_task(expires=55)
def sla_sweep() -> tuple[int, int]:
    return services.sweep()
