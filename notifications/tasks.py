import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.plugins import BeatJob

from . import delivery, webhooks
from .models import Channel, DeliveryStatus, Notification, TelegramUpdate, WebhookDelivery
from .telegram import send_reply

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
    delay = send_reply(chat_id, text)
    if delay is not None:
        raise self.retry(countdown=delay)


def reply_after_commit(chat_id: int, text: str) -> None:
    """The `reply` that notifications.telegram is given: queue the answer once committed."""
    transaction.on_commit(lambda: telegram_reply.delay(chat_id, text), robust=True)


@shared_task
def prune() -> dict:
    """Forget what nobody needs any more, so the delivery tables stay the size of their use.

    E-mail, Telegram and webhook rows finished (sent or failed) more than
    NOTIFICATION_KEEP_DAYS ago; portal notifications read that long ago (unread
    ones stay until read); Telegram update ids older than a week (Telegram
    keeps undelivered updates for 24 hours, so they cannot come back).
    """
    now = timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATION_KEEP_DAYS)
    finished = [DeliveryStatus.SENT, DeliveryStatus.FAILED]
    counts = {
        "outbound": Notification.objects.exclude(channel=Channel.PORTAL)
        .filter(status__in=finished, created_at__lt=cutoff)
        .delete()[0],
        "portal": Notification.objects.filter(channel=Channel.PORTAL, read_at__lt=cutoff).delete()[
            0
        ],
        "webhooks": WebhookDelivery.objects.filter(
            status__in=finished, created_at__lt=cutoff
        ).delete()[0],
        "telegram_updates": TelegramUpdate.objects.filter(
            received_at__lt=now - timedelta(days=7)
        ).delete()[0],
    }
    if any(counts.values()):
        log.info("notifications pruned: %s", counts)
    return counts


BEAT = [
    BeatJob("notifications-prune", "notifications.tasks.prune", 24 * 60 * 60.0, expires=60 * 60),
    BeatJob("notifications-delivery-sweep", "notifications.tasks.delivery_sweep", 60.0, expires=55),
]
