"""The signed webhook channel, against a real HTTP receiver on 127.0.0.1.

The receiver is stdlib http.server in a thread: it records every request and
answers what the test scripted (200 unless told otherwise). Deliveries are made
as the workers make them: the fan-out writes the rows, send_webhooks sends.
"""

import json
import re
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from notifications import webhooks
from notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notifications.tasks import send_webhooks
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status

pytestmark = pytest.mark.django_db

SECRET_NOTE = "The core switch password is hunter2"


@dataclass
class Received:
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """A webhook receiver on a free local port: records requests, answers as scripted."""

    def __init__(self):
        self.requests: list[Received] = []
        self._answers: list[tuple[int, dict]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(list(self.headers.items()), body))
                    status, headers = receiver._answers.pop(0) if receiver._answers else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/portal"

    def answer(self, *answers):
        """Queue answers: a status, or (status, headers)."""
        with self._lock:
            for item in answers:
                self._answers.append(item if isinstance(item, tuple) else (item, {}))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(world, receiver):
    return WebhookEndpoint.objects.create(organisation=world.org, url=receiver.url)


def receiver_verify():
    """The verification example of the module's docstring, run as a receiver would run it."""
    code = re.search(r"```python\n(.*?)```", webhooks.__doc__, re.DOTALL).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102 (our own documentation, checked here)
    return namespace["verify"]


def delivery_for(verb, endpoint=None) -> WebhookDelivery:
    rows = WebhookDelivery.objects.filter(event__verb=verb)
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    return rows.get()


def send(row):
    send_webhooks([row.pk])
    row.refresh_from_db()
    return row


def make_due(row):
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def send_all():
    ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    send_webhooks(ids)
    return ids


# --- What is sent ------------------------------------------------------------


def test_payload_shape_headers_and_text_in_the_organisation_language(
    world, endpoint, receiver, dispatch
):
    ticket = open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    event = Event.objects.get(verb="ticket_opened")

    assert row.status == DeliveryStatus.SENT
    assert (row.response_status, row.attempts, row.last_error) == (200, 1, "")
    [request] = receiver.requests
    assert request.header("Content-Type") == "application/json; charset=utf-8"
    assert request.header("X-Portal-Event") == "ticket_opened"
    assert request.header("X-Portal-Delivery") == str(row.pk)
    # Sent with the case the documentation uses (some receivers' header maps are exact).
    names = {name for name, _ in request.headers}
    assert {"X-Portal-Signature", "X-Portal-Timestamp"} <= names
    assert request.json == {
        "id": event.pk,
        "type": "ticket_opened",
        "kind": "ticket_opened",
        "occurred_at": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "organisation": "andes",
        "language": "es",
        # Andes Fibra reads Spanish (the organisation's language, not the sender's).
        "text": f"Diego abrió {ticket.number}: Router down in Valparaíso",
        "url": "http://testserver" + reverse("tickets:detail", args=[ticket.number]),
        "ticket": {"number": ticket.number, "subject": "Router down in Valparaíso"},
        "excerpt": None,
    }


def test_each_endpoint_receives_only_its_organisation_events_in_its_language(
    world, endpoint, receiver, dispatch
):
    theirs = WebhookEndpoint.objects.create(organisation=world.other_org, url=receiver.url)
    ticket = open_ticket(world, organisation=world.other_org, requester=world.outsider)
    dispatch()
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()
    send(delivery_for("ticket_opened", theirs))
    [request] = receiver.requests
    assert request.json["organisation"] == "other"
    assert request.json["language"] == "en"
    assert request.json["text"].endswith(f" opened {ticket.number}: {ticket.subject}")


def test_a_public_reply_carries_its_excerpt_and_anchor(world, endpoint, receiver, dispatch):
    ticket = open_ticket(world)
    comment = services.comment_add(ticket=ticket, author=world.agent, body="We replaced the card.")
    dispatch()
    send(delivery_for("ticket_replied"))
    [request] = receiver.requests
    assert request.json["excerpt"] == "We replaced the card."
    assert request.json["text"] == f"Ana Agent respondió en {ticket.number}"
    assert request.json["url"].endswith(f"/{ticket.number}/#comment-{comment.pk}")


# --- The signature -----------------------------------------------------------


def test_the_signature_verifies_with_the_secret_only(world, endpoint, receiver, dispatch):
    open_ticket(world)
    dispatch()
    send(delivery_for("ticket_opened"))
    [request] = receiver.requests
    verify = receiver_verify()
    headers = {
        "X-Portal-Timestamp": request.header("X-Portal-Timestamp"),
        "X-Portal-Signature": request.header("X-Portal-Signature"),
    }
    assert headers["X-Portal-Signature"].startswith("sha256=")
    assert verify(endpoint.secret, headers, request.body)
    assert not verify("another-secret", headers, request.body)
    changed = request.body.replace(b"andes", b"other")
    assert changed != request.body
    assert not verify(endpoint.secret, headers, changed)
    later = {**headers, "X-Portal-Timestamp": str(int(headers["X-Portal-Timestamp"]) + 1)}
    assert not verify(endpoint.secret, later, request.body)


def test_an_old_signature_is_refused_by_the_documented_check(world, endpoint):
    verify = receiver_verify()
    body = b'{"id": 1}'
    old = str(int(timezone.now().timestamp()) - 3600)
    headers = {"X-Portal-Timestamp": old, "X-Portal-Signature": webhooks.sign("s", old, body)}
    assert not verify("s", headers, body)
    assert verify("s", headers, body, tolerance=7200)


# --- Answers: sent, retried, failed --------------------------------------------


def test_500_and_429_are_retried_with_backoff_and_retry_after_then_sent(
    world, endpoint, receiver, dispatch, settings
):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    receiver.answer(500, (429, {"Retry-After": "120"}), 200)
    open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.RETRYING
    assert (row.attempts, row.response_status) == (1, 500)
    assert row.last_error == "HTTP 500 Internal Server Error"
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < wait <= 30

    # Not due yet: a second message for it sends nothing.
    send(row)
    assert len(receiver.requests) == 1

    make_due(row)
    row = send(row)
    assert row.status == DeliveryStatus.RETRYING
    assert (row.attempts, row.response_status) == (2, 429)
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 115 < wait <= 120

    make_due(row)
    row = send(row)
    assert row.status == DeliveryStatus.SENT
    assert (row.attempts, row.response_status, row.last_error) == (3, 200, "")
    assert len(receiver.requests) == 3
    assert {r.header("X-Portal-Delivery") for r in receiver.requests} == {str(row.pk)}
    assert len({r.json["id"] for r in receiver.requests}) == 1


def test_retry_after_as_seconds_or_date_within_the_cap(settings):
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 3600
    now = timezone.now()
    assert webhooks.retry_after_seconds("90", now) == 90
    in_two_minutes = format_datetime(now + timedelta(seconds=120), usegmt=True)
    assert 118 <= webhooks.retry_after_seconds(in_two_minutes, now) <= 120
    assert webhooks.retry_after_seconds("86400", now) == 3600
    assert webhooks.retry_after_seconds("0", now) == 1
    assert webhooks.retry_after_seconds("soon", now) is None
    assert webhooks.retry_after_seconds(None, now) is None


def test_410_fails_at_once_with_the_status_as_reason(world, endpoint, receiver, dispatch):
    receiver.answer(410)
    open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.FAILED
    assert (row.attempts, row.response_status) == (1, 410)
    assert row.last_error == "HTTP 410 Gone"
    make_due(row)
    send(row)
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed(world, endpoint, receiver, dispatch):
    receiver.answer((302, {"Location": receiver.url + "/elsewhere"}))
    open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.FAILED
    assert row.response_status == 302
    assert "redirects are not followed" in row.last_error
    assert len(receiver.requests) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_is_retried(world, endpoint, dispatch):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://127.0.0.1:{_closed_port()}/hooks"
    )
    open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.RETRYING
    assert row.attempts == 1
    assert row.response_status is None
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > timezone.now()


def test_attempts_used_up_end_as_failed_with_the_last_reason(
    world, endpoint, receiver, dispatch, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    receiver.answer(500, 503)
    open_ticket(world)
    dispatch()
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.RETRYING
    make_due(row)
    row = send(row)
    assert row.status == DeliveryStatus.FAILED
    assert (row.attempts, row.response_status) == (2, 503)
    assert row.last_error == "HTTP 503 Service Unavailable"
    make_due(row)
    send(row)
    assert len(receiver.requests) == 2


# --- What is never sent --------------------------------------------------------


def test_an_inactive_endpoint_gets_nothing(world, endpoint, receiver, dispatch):
    endpoint.is_active = False
    endpoint.save()
    active = WebhookEndpoint.objects.create(organisation=world.org, url=receiver.url + "?on")
    open_ticket(world)
    dispatch()
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()
    # The event did go out: the organisation's active endpoint has it.
    assert WebhookDelivery.objects.filter(endpoint=active).exists()


def test_an_endpoint_switched_off_after_the_event_gets_nothing(world, endpoint, receiver, dispatch):
    open_ticket(world)
    dispatch()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "the endpoint was switched off"
    assert receiver.requests == []


def test_internal_events_never_make_a_delivery_nor_a_post(world, endpoint, receiver, dispatch):
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body=SECRET_NOTE, internal=True)
    dispatch()
    note = Event.objects.get(verb="ticket_note_added")
    assert not WebhookDelivery.objects.filter(event=note).exists()
    # Even a row written by hand (a bug elsewhere) is refused before any POST.
    forced = WebhookDelivery.objects.create(event=note, endpoint=endpoint)
    row = send(forced)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error.startswith("internal event")
    send_all()
    assert [r.json["type"] for r in receiver.requests] == ["ticket_opened"]


def test_no_internal_note_text_in_any_payload(world, endpoint, receiver, dispatch):
    ticket = open_ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    note = services.comment_add(ticket=ticket, author=world.agent, body=SECRET_NOTE, internal=True)
    services.comment_add(ticket=ticket, author=world.agent, body="We are on it.")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    dispatch()
    send_all()
    types = {r.json["type"] for r in receiver.requests}
    assert {"ticket_opened", "ticket_replied", "ticket_resolved"} <= types
    assert not types & {"ticket_note_added", "ticket_assigned"}  # both internal
    for request in receiver.requests:
        assert b"hunter2" not in request.body
        assert f"comment-{note.pk}" not in request.json["url"]


# --- Exactly one POST per delivery ---------------------------------------------


def test_sending_the_same_delivery_twice_posts_once(world, endpoint, receiver, dispatch):
    open_ticket(world)
    dispatch()
    row = delivery_for("ticket_opened")
    send_webhooks([row.pk, row.pk])
    send_webhooks([row.pk])
    # A re-run fan-out (the outbox sweep) finds the row and writes no second one.
    from notifications.fanout import fan_out

    fan_out(Event.objects.get(verb="ticket_opened"))
    send_all()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


# --- Endpoint URLs -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/hook", "http://localhost/hook", "https://hooks.example.com/p?x=1"],
)
def test_http_and_https_urls_are_accepted(url):
    webhooks.check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://example.com",
        "https://",
        "",
        "https://user:secret@example.com/hook",
        "http://example.com:99999/hook",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(ValidationError):
        webhooks.check_url(url)


def test_a_stored_non_http_url_fails_without_sending(world, endpoint, dispatch):
    open_ticket(world)
    dispatch()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="file:///etc/passwd")
    row = send(delivery_for("ticket_opened"))
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error.startswith("the endpoint's URL is refused")


def test_rotating_the_secret_changes_the_signature(world, endpoint, receiver, dispatch):
    old = endpoint.secret
    new = webhooks.endpoint_rotate_secret(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.secret == new != old
    open_ticket(world)
    dispatch()
    send(delivery_for("ticket_opened"))
    [request] = receiver.requests
    headers = dict(request.headers)
    verify = receiver_verify()
    assert verify(new, headers, request.body)
    assert not verify(old, headers, request.body)


# --- With a real worker ------------------------------------------------------------


@pytest.mark.e2e
def test_a_worker_retries_a_500_after_retry_after_and_then_delivers(
    celery_worker_process, transactional_db, receiver
):
    """Ticket opened → dispatch → fan-out → POST (500, Retry-After: 1) → re-queued → 200."""
    from django.db import transaction

    from tests.e2e.worker import wait_until
    from tests.factories import OrganisationFactory, member_of

    worker = celery_worker_process
    worker.assert_alive()
    mark = worker.mark()
    organisation = OrganisationFactory(slug="andes-live", default_language="fr")
    requester = member_of(organisation, email="client@andes-live.test", display_name="Inès")
    WebhookEndpoint.objects.create(organisation=organisation, url=receiver.url)
    receiver.answer((500, {"Retry-After": "1"}), 200)
    with transaction.atomic():
        ticket = services.ticket_open(
            organisation=organisation,
            requester=requester,
            subject="Fibre coupée",
            description="Depuis ce matin.",
        )

    def sent():
        return WebhookDelivery.objects.filter(status=DeliveryStatus.SENT).first()

    row = wait_until(sent, timeout=30)
    assert row is not None, f"not delivered; worker output:\n{worker.output_since(mark)}"
    assert (row.attempts, row.response_status) == (2, 200)
    assert len(receiver.requests) == 2
    # French typography: a no-break space before the colon.
    expected = f"Inès a ouvert {ticket.number}\u00a0: Fibre coupée"
    assert receiver.requests[1].json["text"] == expected
