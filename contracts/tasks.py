from celery import shared_task

from . import services


@shared_task(expires=60 * 60)
def open_periods() -> int:
    return services.open_current_periods()
