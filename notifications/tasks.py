import logging

from celery import shared_task

from . import delivery, webhooks
from .models import Notification, WebhookDelivery

log = logging.getLogger(__name__)


def _retry_later(task, pk: int, delay: float | None) -> None:
    if delay is not None:
        # If this message is lost, the sweep still finds the row when it is due.
        task.apply_async(args=[[pk]], countdown=delay)


@shared_task
def send_notifications(ids: list[int]) -> None:
    """Send these notifications; each is claimed first, so a duplicate message sends nothing."""
    for pk in ids:
        _retry_later(send_notifications, pk, delivery.send_notification(pk))


@shared_task
def send_webhooks(ids: list[int]) -> None:
    for pk in ids:
        _retry_later(send_webhooks, pk, webhooks.send_delivery(pk))


@shared_task
def delivery_sweep() -> int:
    """Queue what should have gone by now: lost messages, killed workers, an outage's backlog."""
    ids = delivery.due(Notification)
    if ids:
        send_notifications.delay(ids)
    hooks = delivery.due(WebhookDelivery)
    if hooks:
        send_webhooks.delay(hooks)
    if ids or hooks:
        log.info("delivery sweep: %s notifications, %s webhooks queued", len(ids), len(hooks))
    return len(ids) + len(hooks)


@shared_task(bind=True, max_retries=5)
def telegram_reply(self, chat_id: int, text: str) -> None:
    """The bot's answer to /start or /stop, sent after the update's transaction committed."""
    from .telegram import send_reply

    delay = send_reply(chat_id, text)
    if delay is not None:
        raise self.retry(countdown=delay)
