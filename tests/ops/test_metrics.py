"""/metrics: only with the bearer token; requests, latency and the portal's own gauges."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activity.services import record_event
from notifications.models import DeliveryStatus, Notification, WebhookDelivery, WebhookEndpoint
from portal.health import heartbeat
from tests.sla.factories import bulk_clocks, make_policy

TOKEN = "scrape-me-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get():
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return get


def value(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{val}"' for key, val in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", text, re.MULTILINE)
    assert found, f"{name} {labels} not in the metrics"
    return float(found.group(1))


@pytest.mark.parametrize(
    ("configured", "header"),
    [
        ("", None),
        ("", "Bearer "),
        (TOKEN, None),
        (TOKEN, "Bearer wrong-token"),
        (TOKEN, f"Basic {TOKEN}"),
        (TOKEN, f"Bearer {TOKEN}x"),
    ],
)
def test_without_the_token_it_is_a_404(client, db, settings, configured, header):
    settings.METRICS_TOKEN = configured
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 404
    assert b"django_http" not in response.content


def test_from_the_loopback_without_a_token_it_is_still_a_404(client, db, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_requests_and_latency_are_counted(client, db, scrape):
    client.get("/healthz")
    before = value(scrape(), "django_http_requests_total_by_method_total", method="GET")
    client.get("/healthz")
    text = scrape()
    assert value(text, "django_http_requests_total_by_method_total", method="GET") >= before + 2
    assert (
        value(
            text,
            "django_http_requests_latency_seconds_by_view_method_count",
            method="GET",
            view="healthz",
        )
        >= 2
    )


def test_broker_queue_depth(db, scrape):
    assert value(scrape(), "portal_celery_queue_messages", queue="celery") == 0
    # Real messages in the real broker, with no worker to take them.
    heartbeat.delay()
    heartbeat.apply_async(priority=6)
    heartbeat.delay()
    assert value(scrape(), "portal_celery_queue_messages", queue="celery") == 3


def test_deliveries_waiting_and_failed(world, scrape):
    event = record_event(
        organisation=world.org,
        actor=world.member,
        verb="ticket_opened",
        data={"number": "TKT-2026-00001", "subject": "VPN down"},
    )
    people = [world.manager, world.member, world.other_member, world.partner, world.outsider]
    statuses = [
        DeliveryStatus.PENDING,
        DeliveryStatus.FAILED,
        DeliveryStatus.FAILED,
        DeliveryStatus.SENT,
        DeliveryStatus.RETRYING,
    ]
    for user, status in zip(people, statuses, strict=True):
        Notification.objects.create(event=event, user=user, channel="email", status=status)
        # In-portal rows are not deliveries to wait for.
        Notification.objects.create(event=event, user=user, channel="portal", status=status)
    endpoint = WebhookEndpoint.objects.create(organisation=world.org, url="https://hooks.example/x")
    WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=DeliveryStatus.FAILED)
    text = scrape()
    assert value(text, "portal_deliveries", channel="email", status="pending") == 1
    assert value(text, "portal_deliveries", channel="email", status="retrying") == 1
    assert value(text, "portal_deliveries", channel="email", status="failed") == 2
    assert value(text, "portal_deliveries", channel="email", status="sending") == 0
    assert value(text, "portal_deliveries", channel="webhook", status="failed") == 1
    assert 'channel="portal"' not in text


def test_sla_clocks_due(world, scrape):
    policy = make_policy()
    now = timezone.now()
    past, future = now - timedelta(minutes=5), now + timedelta(hours=1)
    running = {"running_since": now - timedelta(hours=2)}
    # 3 tickets x 3 clocks each call.
    bulk_clocks(
        policy,
        1,
        organisation=world.org,
        requester=world.member,
        prefix="A",
        warn_at=past,
        due_at=past,
        **running,
    )
    bulk_clocks(
        policy,
        1,
        organisation=world.org,
        requester=world.member,
        prefix="B",
        warn_at=past,
        due_at=future,
        **running,
    )
    bulk_clocks(
        policy,
        1,
        organisation=world.org,
        requester=world.member,
        prefix="C",
        warn_at=past,
        warned_at=past,
        due_at=past,
        breached_at=past,
        **running,
    )
    bulk_clocks(
        policy,
        1,
        organisation=world.org,
        requester=world.member,
        prefix="D",
        warn_at=past,
        due_at=past,
    )  # paused: not running
    text = scrape()
    assert value(text, "portal_sla_clocks_due", event="warning") == 6
    assert value(text, "portal_sla_clocks_due", event="breach") == 3
    assert value(text, "portal_sla_clocks_overdue") == 6


def test_heartbeat_age(db, scrape):
    heartbeat.apply()
    assert 0 <= value(scrape(), "portal_worker_heartbeat_age_seconds") < 5


def test_a_scrape_costs_a_few_queries(world, scrape, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        scrape()
