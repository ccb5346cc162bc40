"""Notifications in the admin: delivery state for all staff; resending and endpoints too
for supervisors."""

import base64
import json
import re

import pytest
import redis
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.services import record_event
from notifications.models import (
    DeliveryStatus,
    Notification,
    Preference,
    TelegramLink,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.tasks import send_webhooks
from tests.notifications.test_webhooks import Receiver

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("admin:notifications_notification_changelist")
DELIVERIES = reverse("admin:notifications_webhookdelivery_changelist")
ENDPOINTS = reverse("admin:notifications_webhookendpoint_changelist")
LINKS = reverse("admin:notifications_telegramlink_changelist")
PREFERENCES = reverse("admin:notifications_preference_changelist")
READ_ONLY_LISTS = [NOTIFICATIONS, DELIVERIES, LINKS, PREFERENCES]


def _event(world, number="TKT-2026-00001"):
    return record_event(
        organisation=world.org,
        actor=world.member,
        verb="ticket_opened",
        data={"number": number, "subject": "VPN down"},
    )


def _notification(world, event=None, status=DeliveryStatus.FAILED, **fields):
    fields.setdefault("last_error", "recipient refused: 550 5.1.1 mailbox unavailable")
    return Notification.objects.create(
        event=event or _event(world),
        user=fields.pop("user", world.member),
        channel=fields.pop("channel", "email"),
        status=status,
        attempts=fields.pop("attempts", 6),
        **fields,
    )


@pytest.fixture
def endpoint(world):
    return WebhookEndpoint.objects.create(
        organisation=world.org, url="http://127.0.0.1:9/hooks", description="Andes NOC"
    )


def _delivery(world, endpoint, status=DeliveryStatus.FAILED, **fields):
    fields.setdefault("last_error", "HTTP 410 Gone")
    fields.setdefault("response_status", 410)
    return WebhookDelivery.objects.create(
        event=fields.pop("event", None) or _event(world),
        endpoint=endpoint,
        status=status,
        attempts=1,
        **fields,
    )


def queued(task_name: str) -> list:
    """The args of every message for `task_name` waiting in the test broker (Redis)."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = []
    for raw in broker.lrange("celery", 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == task_name:
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            found.append(args)
    return found


def _act(client, url, action, rows):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in rows]})


# --- Who sees what ---------------------------------------------------------------


def test_agent_sees_deliveries_but_not_endpoints(client_for, world, endpoint):
    client = client_for(world.agent)
    for url in READ_ONLY_LISTS:
        assert client.get(url).status_code == 200, url
    assert client.get(ENDPOINTS).status_code == 403
    change = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    response = client.get(change)
    assert response.status_code == 403
    assert endpoint.secret not in response.content.decode()


def test_supervisor_sees_every_list_and_manages_endpoints(client_for, world, endpoint):
    client = client_for(world.supervisor)
    for url in [*READ_ONLY_LISTS, ENDPOINTS]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:notifications_webhookendpoint_add")).status_code == 200
    assert "Andes NOC" in client.get(ENDPOINTS).content.decode()


def test_deliveries_stay_read_only_even_for_a_supervisor(client_for, world):
    row = _notification(world)
    client = client_for(world.supervisor)
    url = reverse("admin:notifications_notification_change", args=[row.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    assert client.post(url, {"status": "sent"}).status_code == 403
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED


def test_clients_never_reach_the_notifications_admin(client_for, world, endpoint):
    row = _notification(world)
    urls = [
        *READ_ONLY_LISTS,
        ENDPOINTS,
        reverse("admin:notifications_notification_change", args=[row.pk]),
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
    ]
    for person in (world.member, world.manager, world.outsider, world.partner):
        client = client_for(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (person, url)
            assert response.url.startswith(reverse("admin:login"))


# --- Failed state, visible ------------------------------------------------------------


def test_failed_rows_show_a_red_badge_and_their_reason(client_for, world, endpoint):
    _notification(world)
    _notification(world, channel="portal", status=DeliveryStatus.SENT, last_error="")
    row = _delivery(world, endpoint)
    client = client_for(world.agent)

    body = client.get(NOTIFICATIONS, {"status__exact": "failed"}).content.decode()
    assert body.count("delivery-status--failed") == 1
    assert "recipient refused: 550 5.1.1 mailbox unavailable" in body
    assert "delivery-reason--failed" in body

    body = client.get(DELIVERIES).content.decode()
    assert "delivery-status--failed" in body and "HTTP 410 Gone" in body
    detail = client.get(reverse("admin:notifications_webhookdelivery_change", args=[row.pk]))
    page = detail.content.decode()
    assert "HTTP 410 Gone" in page
    # The body as the receiver gets it, in the organisation's language.
    assert "abrió TKT-2026-00001: VPN down" in page


def test_notification_list_is_searchable_by_email_and_filtered_by_channel(client_for, world):
    _notification(world)
    _notification(world, user=world.manager, channel="telegram")
    client = client_for(world.agent)
    body = client.get(NOTIFICATIONS, {"q": "manager@andes"}).content.decode()
    assert "manager@andes.test" in body and "member@andes.test" not in body
    body = client.get(NOTIFICATIONS, {"channel": "email"}).content.decode()
    assert "member@andes.test" in body and "manager@andes.test" not in body


def test_lists_take_the_same_queries_for_more_rows(client_for, world, endpoint):
    client = client_for(world.supervisor)
    counts = []
    for extra in (1, 10):
        for n in range(extra):
            event = _event(world, number=f"TKT-2026-{len(counts)}{n:04d}")
            _notification(world, event=event)
            _delivery(world, endpoint, event=event)
        with CaptureQueriesContext(connection) as notifications:
            assert client.get(NOTIFICATIONS).status_code == 200
        with CaptureQueriesContext(connection) as deliveries:
            assert client.get(DELIVERIES).status_code == 200
        counts.append((len(notifications), len(deliveries)))
    assert counts[0] == counts[1]


# --- Send again -------------------------------------------------------------------


def test_supervisor_sends_failed_notifications_again(
    client_for, world, django_capture_on_commit_callbacks
):
    failed = _notification(world)
    sent = _notification(world, user=world.manager, status=DeliveryStatus.SENT, last_error="")
    client = client_for(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, NOTIFICATIONS, "send_again", [failed, sent])
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING
    assert (failed.attempts, failed.last_error, failed.next_attempt_at is not None) == (0, "", True)
    assert sent.status == DeliveryStatus.SENT
    assert [[failed.pk]] in queued("notifications.tasks.send_notifications")
    page = client.get(response.url).content.decode()
    assert "1 row queued again." in page
    assert "only failed rows are sent again" in page


def test_agents_cannot_send_again(client_for, world, django_capture_on_commit_callbacks):
    failed = _notification(world)
    client = client_for(world.agent)
    assert 'value="send_again"' not in client.get(NOTIFICATIONS).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _act(client, NOTIFICATIONS, "send_again", [failed])
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED
    assert callbacks == []
    assert [[failed.pk]] not in queued("notifications.tasks.send_notifications")


def test_a_failed_webhook_delivery_sent_again_reaches_the_receiver(
    client_for, world, endpoint, django_capture_on_commit_callbacks
):
    receiver = Receiver()
    try:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
        row = _delivery(world, endpoint)
        client = client_for(world.supervisor)
        with django_capture_on_commit_callbacks(execute=True):
            _act(client, DELIVERIES, "send_again", [row])
        row.refresh_from_db()
        assert (row.status, row.response_status, row.last_error) == ("pending", None, "")
        [args] = [a for a in queued("notifications.tasks.send_webhooks") if a == [[row.pk]]]
        # What the worker does with that message:
        send_webhooks(*args)
        row.refresh_from_db()
        assert (row.status, row.response_status, row.last_error) == ("sent", 200, "")
        assert len(receiver.requests) == 1
    finally:
        receiver.close()


# --- Endpoints and their secrets -----------------------------------------------------------


def test_supervisor_adds_an_endpoint_and_then_sees_its_secret(client_for, world):
    client = client_for(world.supervisor)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"organisation": world.org.pk, "url": "https://noc.andes.test/hooks", "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", endpoint.secret)
    change = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    assert endpoint.secret in client.get(change).content.decode()


@pytest.mark.parametrize("url", ["ftp://noc.andes.test/hooks", "file:///etc/passwd", "not a url"])
def test_an_endpoint_url_must_be_http_or_https(client_for, world, url):
    client = client_for(world.supervisor)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"organisation": world.org.pk, "url": url, "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    assert not WebhookEndpoint.objects.exists()


def test_rotate_secret_action(client_for, world, endpoint):
    old = endpoint.secret
    response = _act(client_for(world.supervisor), ENDPOINTS, "rotate_secrets", [endpoint])
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert re.fullmatch(r"[0-9a-f]{64}", endpoint.secret)


def test_rotate_secret_from_the_change_form(client_for, world, endpoint):
    client = client_for(world.supervisor)
    url = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    form = {"organisation": world.org.pk, "url": endpoint.url, "is_active": "on"}
    old = endpoint.secret
    assert client.post(url, form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == old
    assert client.post(url, {**form, "rotate_secret": "on"}).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old


def test_an_agent_cannot_rotate_a_secret(client_for, world, endpoint):
    old = endpoint.secret
    response = _act(client_for(world.agent), ENDPOINTS, "rotate_secrets", [endpoint])
    assert response.status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.secret == old


# --- Telegram links and preferences --------------------------------------------------------


def test_telegram_links_and_preferences_are_listed(client_for, world):
    TelegramLink.objects.create(
        user=world.member,
        chat_id=4242,
        username="diego_noc",
        is_active=False,
        ended_reason=TelegramLink.Ended.BLOCKED,
    )
    Preference.objects.create(user=world.manager, kind="sla", channel="telegram", enabled=False)
    client = client_for(world.agent)
    body = client.get(LINKS).content.decode()
    assert "diego_noc" in body and "member@andes.test" in body
    body = client.get(PREFERENCES).content.decode()
    assert "manager@andes.test" in body and "SLA deadlines" in body


def test_staff_find_their_notifications_from_the_admin(world, client_for, dispatch):
    from tickets import services

    services.ticket_open(
        organisation=world.org, requester=world.member, subject="New", description="x"
    )
    dispatch()
    html = client_for(world.supervisor).get("/admin/?apps=1").content.decode()
    assert f'<a href="{reverse("notifications:centre")}">Notifications (1 unread)</a>' in html
