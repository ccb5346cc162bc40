"""A request id on the response, on every log line, and in the tasks the request enqueues."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.logs import JsonFormatter
from core.requestid import RequestIdFilter
from tests.e2e.worker import wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """The root logger's records as the JSON lines the console handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def test_a_new_id_is_made_and_returned(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize("incoming", ["3f2b8c1e-proxy-01", "abcdef0123456789", "req_01HX.node:7"])
def test_a_sane_incoming_id_is_kept(client, db, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["short", "has space in it", "x" * 65, "quote\"'injected", "-leading-dash", ""]
)
def test_an_odd_incoming_id_is_replaced(client, db, incoming):
    returned = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", returned)


def test_log_lines_of_a_request_carry_its_id(client, db, json_log):
    client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="trace-0001-abcdef")
    lines = [line for line in json_log() if line["logger"] == "django.request"]
    assert lines, json_log()
    assert lines[0]["request_id"] == "trace-0001-abcdef"
    assert lines[0]["level"] == "WARNING"
    assert "/no-such-page-here/" in lines[0]["message"]
    assert lines[0]["status_code"] == 404
    assert lines[0]["time"].endswith("+00:00")


def test_outside_a_request_there_is_no_id(json_log):
    logging.getLogger("portal.test").warning("no request here")
    (line,) = [line for line in json_log() if line["logger"] == "portal.test"]
    assert line["request_id"] is None
    assert line["message"] == "no request here"


def test_an_exception_keeps_its_traceback(json_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("portal.test").exception("it failed")
    (line,) = [line for line in json_log() if line["logger"] == "portal.test"]
    assert "ValueError: boom" in line["exception"]


def _log_from_a_process(**env) -> str:
    code = (
        "import django; django.setup(); import logging;"
        "logging.getLogger('portal.probe').warning('hello %s', 'there')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stderr.strip().splitlines()[-1]


def test_json_unless_debug_and_log_format_chooses():
    line = json.loads(_log_from_a_process(DEBUG="false"))
    assert line["message"] == "hello there"
    assert line["logger"] == "portal.probe"
    assert line["request_id"] is None
    plain = _log_from_a_process(DEBUG="true")
    assert plain.endswith("WARNING portal.probe [-] hello there")
    assert _log_from_a_process(DEBUG="false", LOG_FORMAT="plain").endswith("[-] hello there")


@pytest.mark.e2e
def test_the_id_follows_the_request_into_its_tasks(client, world, ticket, start_worker):
    worker = start_worker(LOG_FORMAT="json")
    mark = worker.mark()
    client.force_login(world.member)
    url = reverse("tickets:detail", kwargs={"number": ticket.number})
    response = client.post(url, {"body": "Still down"}, HTTP_X_REQUEST_ID="reply-trace-42abc")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "reply-trace-42abc"

    def traced():
        found = []
        for raw in worker.output_since(mark).splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if line.get("request_id") == "reply-trace-42abc":
                found.append(line)
        done = [line for line in found if "succeeded" in line["message"]]
        return found if done else None

    found = wait_until(traced, timeout=20)
    assert found, worker.output_since(mark)
    tasks = {line.get("task") for line in found}
    # The event's dispatch, enqueued by the request after its commit.
    assert "activity.tasks.dispatch_event" in tasks, found
    assert all(line.get("task_id") for line in found)
