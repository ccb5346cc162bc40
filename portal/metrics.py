"""/metrics for Prometheus (docs/operating.md, "Metrics").

Requests and latency come from django-prometheus's middleware pair (in
settings.MIDDLEWARE; no database wrapper). The portal's own gauges are counted
when the scraper asks, with a handful of indexed queries and Redis LLENs: the
broker's queue depth, the notification and webhook deliveries waiting or
failed, the SLA clocks the sweep has yet to warn or breach, and the age of the
workers' heartbeat.

The endpoint is a 404 unless the request carries `Authorization: Bearer
<METRICS_TOKEN>`: without a token configured, nobody reads it. The loopback is
not trusted on its own, since a reverse proxy on the same host makes every
visitor come from 127.0.0.1.
"""

import hmac
import json
import logging
import os
import time

import redis
from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.redis import client as redis_client
from notifications.models import Channel, DeliveryStatus, Notification, WebhookDelivery
from sla.models import TicketClock

from .health import HEARTBEAT_KEY

log = logging.getLogger(__name__)

WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
COUNTED = (*WAITING, DeliveryStatus.FAILED)
# Kombu's Redis transport keeps a queue's priorities 3, 6 and 9 in keys of their own.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)


def broker_queues() -> list[str]:
    return [getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")]


def queue_depths() -> dict[str, int]:
    """{queue: messages waiting in the broker}, every priority counted."""
    broker = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        pipe = broker.pipeline(transaction=False)
        queues = broker_queues()
        for queue in queues:
            for step in PRIORITY_STEPS:
                pipe.llen(f"{queue}{PRIORITY_SEPARATOR}{step}" if step else queue)
        lengths = pipe.execute()
    finally:
        broker.close()
    steps = len(PRIORITY_STEPS)
    return {q: sum(lengths[i * steps : (i + 1) * steps]) for i, q in enumerate(queues)}


def deliveries() -> list[tuple[str, str, int]]:
    """[(channel, status, count)] of deliveries waiting or failed; webhooks as channel "webhook"."""
    rows = []
    found = (
        Notification.objects.filter(status__in=COUNTED)
        .exclude(channel=Channel.PORTAL)
        .values("channel", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows += [(row["channel"], row["status"], row["n"]) for row in found]
    found = (
        WebhookDelivery.objects.filter(status__in=COUNTED)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows += [("webhook", row["status"], row["n"]) for row in found]
    return rows


def sla_due() -> dict[str, int]:
    """Running clocks whose warning or breach is due now and not yet recorded by the sweep."""
    now = timezone.now()
    running = TicketClock.objects.filter(running_since__isnull=False)
    return running.aggregate(
        warning=Count("pk", filter=Q(warned_at__isnull=True, warn_at__lte=now)),
        breach=Count("pk", filter=Q(breached_at__isnull=True, due_at__lte=now)),
        overdue=Count("pk", filter=Q(due_at__lte=now)),
    )


class PortalCollector:
    """The portal's gauges, read at scrape time; a source that fails is left out and logged."""

    def collect(self):
        try:
            depths = queue_depths()
        except redis.RedisError as exc:
            log.warning("metrics: the broker did not answer: %s", exc)
        else:
            gauge = GaugeMetricFamily(
                "portal_celery_queue_messages",
                "Messages waiting in the Celery broker's queue.",
                labels=["queue"],
            )
            for queue, depth in depths.items():
                gauge.add_metric([queue], depth)
            yield gauge

        gauge = GaugeMetricFamily(
            "portal_deliveries",
            "Outbound deliveries (e-mail, Telegram, webhooks) waiting or failed, by status.",
            labels=["channel", "status"],
        )
        counts = {}
        for channel, status, count in deliveries():
            counts[(channel, status)] = count
        channels = {channel for channel, _ in counts} | {"email", "webhook"}
        for channel in sorted(channels):
            for status in COUNTED:
                gauge.add_metric([channel, str(status)], counts.get((channel, status), 0))
        yield gauge

        due = sla_due()
        gauge = GaugeMetricFamily(
            "portal_sla_clocks_due",
            "Running SLA clocks whose warning or breach is due and not yet recorded "
            "(the SLA sweep's backlog: above zero for long, the sweep is not running).",
            labels=["event"],
        )
        gauge.add_metric(["warning"], due["warning"])
        gauge.add_metric(["breach"], due["breach"])
        yield gauge
        yield GaugeMetricFamily(
            "portal_sla_clocks_overdue",
            "Running SLA clocks past their deadline (tickets in breach now).",
            value=due["overdue"],
        )

        try:
            raw = redis_client().get(HEARTBEAT_KEY)
        except redis.RedisError as exc:
            log.warning("metrics: Redis did not answer: %s", exc)
        else:
            if raw is not None:
                yield GaugeMetricFamily(
                    "portal_worker_heartbeat_age_seconds",
                    "Seconds since a worker last ran the heartbeat job.",
                    value=max(time.time() - json.loads(raw)["at"], 0.0),
                )


def _authorised(request) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _request_registry():
    # Under gunicorn's several processes the counters live in files shared by them
    # (PROMETHEUS_MULTIPROC_DIR); otherwise in this process.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@never_cache
@require_GET
def metrics(request):
    if not _authorised(request):
        raise Http404
    portal = CollectorRegistry(auto_describe=False)
    portal.register(PortalCollector())
    body = generate_latest(_request_registry()) + generate_latest(portal)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
