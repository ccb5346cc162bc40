"""Inbound mail posted by Mailgun (a route forwarding to /mail/mailgun/mime): signed,
fresh and used once, or refused; junk never makes it fail."""

import hashlib
import hmac
import secrets
import time

import pytest
from django.urls import reverse

from mailin.models import InboundMail, Outcome, Source
from tickets.models import Comment

from .conftest import MAILGUN_KEY, address_for
from .mail import reply

pytestmark = pytest.mark.django_db

URL = "/mail/mailgun/mime"


def signed(fields=None, *, key=MAILGUN_KEY, timestamp=None, token=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature, **(fields or {})}


def post(client, data):
    return client.post(URL, data)


def test_the_url_ends_in_mime_as_mailgun_requires():
    assert reverse("mailin:mailgun") == URL


def test_a_signed_reply_lands_once(client, world, ticket, django_capture_on_commit_callbacks):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email).decode()
    fields = {"body-mime": raw, "recipient": address_for(ticket, world.member)}

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, signed(fields))
    assert response.status_code == 200
    assert response.json() == {"outcome": "replied"}
    # Mailgun retried (a new signature): the message is the same one.
    assert post(client, signed(fields)).json() == {"outcome": "duplicate"}

    [comment] = Comment.objects.filter(ticket=ticket)
    assert comment.data == {"via": "email"}
    assert InboundMail.objects.get().source == Source.WEBHOOK


def test_the_envelope_recipient_is_enough(client, world, ticket):
    # A Bcc to the reply address: not in To, only in Mailgun's recipient field.
    raw = reply(to="someone@else.test", sender=world.member.email).decode()
    fields = {"body-mime": raw, "recipient": address_for(ticket, world.member)}
    assert post(client, signed(fields)).json() == {"outcome": "replied"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: {**data, "signature": "0" * 64},
        lambda data: {**data, "token": data["token"] + "x"},
        lambda data: {**data, "timestamp": str(int(data["timestamp"]) + 1)},
        lambda data: {k: v for k, v in data.items() if k != "signature"},
        lambda data: signed({"body-mime": data["body-mime"]}, key="another-key"),
        lambda data: {**data, "signature": "é" * 64},
    ],
    ids=["signature", "token", "timestamp", "unsigned", "other key", "not ascii"],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, world, ticket, tamper):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email).decode()
    response = post(client, tamper(signed({"body-mime": raw})))
    assert response.status_code == 403
    assert not InboundMail.objects.exists()
    assert not Comment.objects.exists()


def test_an_old_timestamp_is_a_replay(client, world, ticket):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email).decode()
    response = post(client, signed({"body-mime": raw}, timestamp=int(time.time()) - 3600))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_request_replayed_as_it_was_is_refused(client, world, ticket):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email).decode()
    data = signed({"body-mime": raw})
    assert post(client, data).status_code == 200
    InboundMail.objects.all().delete()
    assert post(client, data).status_code == 403
    assert not InboundMail.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"body-mime": ""},
        {"body-mime": "\x00\x01 not a message at all"},
        {"body-mime": "From: <<<\r\nTo: ;;;\r\nSubject: =?utf-8?b?////?=\r\n\r\n\xff"},
        {"body-mime": "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nbroken"},
    ],
)
def test_junk_is_never_a_server_error(client, fields):
    response = post(client, signed(fields))
    assert response.status_code in (200, 406)
    assert not Comment.objects.exists()


def test_a_junk_timestamp_is_refused(client):
    data = signed({"body-mime": "x"})
    data["timestamp"] = "soon"
    assert post(client, data).status_code == 403


def test_without_a_key_there_is_no_webhook(client, settings):
    settings.INBOUND_MAILGUN_SIGNING_KEY = ""
    assert post(client, signed({"body-mime": "x"})).status_code == 404


def test_only_post(client):
    assert client.get(URL).status_code == 405


def test_no_csrf_token_needed(world, ticket):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email).decode()
    assert strict.post(URL, signed({"body-mime": raw})).json()["outcome"] == Outcome.REPLIED
