"""The fake Bot API answers as Telegram does, so tests against it mean something.

Plain HTTP here (no PTB): the status codes, bodies and parameter encodings a
client meets. No database.
"""

import json
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from bench.fake_telegram import FakeTelegram, message_update


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def call(fake, method, params=None, *, token=None, as_json=False, get=False):
    url = f"{fake.base_url}{token or fake.token}/{method}"
    data, headers = None, {}
    if get:
        url += "?" + urlencode(params or {})
    elif as_json:
        data, headers = json.dumps(params or {}).encode(), {"Content-Type": "application/json"}
    else:
        data = urlencode(params or {}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_send_message_in_every_encoding_returns_a_message(fake):
    html = {"chat_id": 5, "text": "<b>Hi</b> &amp; bye", "parse_mode": "HTML"}
    status, body = call(fake, "sendMessage", html)
    assert status == 200 and body["ok"] is True
    assert body["result"]["chat"]["id"] == 5
    assert body["result"]["text"] == "Hi & bye"
    assert body["result"]["from"]["is_bot"] is True
    assert call(fake, "SENDMESSAGE", {"chat_id": 6, "text": "json"}, as_json=True)[0] == 200
    assert call(fake, "sendMessage", {"chat_id": 7, "text": "query"}, get=True)[0] == 200
    assert fake.texts() == ["Hi & bye", "json", "query"]


def test_errors_have_telegrams_status_codes_and_bodies(fake):
    fake.rate_limit(5, retry_after=3)
    fake.block(6, times=1)

    assert call(fake, "sendMessage", {"chat_id": 5, "text": "x"}) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert call(fake, "sendMessage", {"chat_id": 6, "text": "x"}) == (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    assert call(fake, "getMe", token="1:wrong")[0] == 401
    assert call(fake, "noSuchMethod")[0] == 404
    status, body = call(
        fake, "sendMessage", {"chat_id": 5, "text": "<p>x</p>", "parse_mode": "HTML"}
    )
    assert status == 400 and body["description"].startswith("Bad Request: can't parse entities")
    # Each failure was for the next call only.
    assert call(fake, "sendMessage", {"chat_id": 5, "text": "x"})[0] == 200
    assert call(fake, "sendMessage", {"chat_id": 6, "text": "x"})[0] == 200
    assert [a["status"] for a in fake.attempts] == [429, 403, 200, 200]


def test_get_updates_honours_offset_and_long_polls(fake):
    first = fake.push_update(message_update(None, 1, "/start"))
    second = fake.push_update(message_update(None, 1, "/stop"))

    _, body = call(fake, "getUpdates", {"timeout": 0})
    assert [u["update_id"] for u in body["result"]] == [first["update_id"], second["update_id"]]
    _, body = call(fake, "getUpdates", {"offset": second["update_id"], "timeout": 0})
    assert [u["update_id"] for u in body["result"]] == [second["update_id"]]
    assert fake.pending_updates() == [second]  # the first is confirmed and forgotten

    # A long poll returns as soon as an update arrives.
    later = threading.Timer(0.2, fake.push_update, [message_update(None, 2, "hello")])
    later.start()
    # No stopwatch: a poll that missed the update would sit out all 60 s and
    # outlast call()'s 10 s read timeout, failing the test.
    _, body = call(fake, "getUpdates", {"offset": second["update_id"] + 1, "timeout": 60})
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]


def test_get_updates_conflicts_with_a_webhook(fake):
    hook = {"url": "https://portal.example/hook", "secret_token": "abc"}
    assert call(fake, "setWebhook", hook)[0] == 200
    status, body = call(fake, "getUpdates")
    assert status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook")
    assert call(fake, "deleteWebhook")[0] == 200
    assert call(fake, "getUpdates")[0] == 200
