from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task
def expiry_sweep() -> int:
    """Warn of what expires in 30 and 7 days, and of what expired, once each."""
    return services.expiry_sweep()


# Hourly, though the warnings are daily: a day whose run was missed is caught up
# within the hour, and a second beat finds the warnings already sent.
BEAT = [BeatJob("inventory-expiry", "inventory.tasks.expiry_sweep", 60 * 60.0, expires=50 * 60)]
