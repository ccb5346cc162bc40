"""The daily prune deletes finished deliveries and old read notifications, nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activity.services import record_event
from notifications.models import (
    Notification,
    TelegramUpdate,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.tasks import prune

pytestmark = pytest.mark.django_db


def test_prune_keeps_what_is_recent_unread_or_unfinished(world, settings):
    settings.NOTIFICATION_KEEP_DAYS = 30
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    event = record_event(organisation=world.org, actor=None, verb="member_joined", data={})
    users = [world.member, world.manager, world.other_member, world.partner, world.agent]

    def row(user, channel, status, created_at, read_at=None):
        return Notification.objects.create(
            event=event,
            user=user,
            channel=channel,
            status=status,
            created_at=created_at,
            read_at=read_at,
        )

    gone = [
        row(users[0], "email", "sent", old),
        row(users[1], "email", "failed", old),
        row(users[0], "portal", "sent", old, read_at=old),
    ]
    kept = [
        row(users[2], "email", "sent", recent),  # too recent
        row(users[3], "email", "retrying", old),  # still trying
        row(users[1], "portal", "sent", old),  # unread
        row(users[4], "portal", "sent", recent, read_at=recent),  # read recently
    ]
    endpoint = WebhookEndpoint.objects.create(organisation=world.org, url="http://127.0.0.1:9/")
    hook = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, status="sent", created_at=old
    )
    TelegramUpdate.objects.create(update_id=1, received_at=now - timedelta(days=8))
    TelegramUpdate.objects.create(update_id=2, received_at=now - timedelta(days=6))

    counts = prune()

    assert counts == {"outbound": 2, "portal": 1, "webhooks": 1, "telegram_updates": 1}
    assert set(Notification.objects.values_list("pk", flat=True)) == {r.pk for r in kept}
    assert not any(Notification.objects.filter(pk=r.pk).exists() for r in gone)
    assert not WebhookDelivery.objects.filter(pk=hook.pk).exists()
    assert list(TelegramUpdate.objects.values_list("update_id", flat=True)) == [2]
    assert prune() == {"outbound": 0, "portal": 0, "webhooks": 0, "telegram_updates": 0}
