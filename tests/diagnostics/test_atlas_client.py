"""The RIPE Atlas client against the fake Atlas server, over real HTTP."""

import json
import logging
import os
import pickle
import socket
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import formatdate

import pytest
import requests
from django.utils import translation

from diagnostics import samples
from diagnostics.atlas import (
    TERMINAL,
    AtlasClient,
    AtlasError,
    AtlasRateLimited,
    AtlasRefused,
    AtlasUnauthorized,
    AtlasUnavailable,
    _error_for,
)
from diagnostics.definitions import build, default_probes, probes

PING = build("ping", "example.com", af=4, description="portal check #1")


def _create(client, definitions=(PING,), key="default"):
    return client.create(list(definitions), probes(default_probes("CL"), af=4), key=key)


def test_create_sends_a_one_off_with_the_key_and_returns_the_ids(fake_atlas):
    client = AtlasClient()
    trace = build("traceroute", "example.com", options={"protocol": "ICMP"})
    ids = _create(client, [PING, trace])
    assert len(ids) == 2
    assert ids[1] == ids[0] + 1
    [sent] = fake_atlas.requests_to("POST", "/measurements/")
    assert sent.headers["authorization"] == "Key test-key"
    assert sent.headers["content-type"] == "application/json"
    assert sent.body == {
        "definitions": [PING, trace],
        "probes": probes(default_probes("CL"), af=4),
        "is_oneoff": True,
    }
    assert fake_atlas.measurements[ids[1]].definition["type"] == "traceroute"


def test_the_key_is_chosen_by_name(fake_atlas, settings):
    settings.ATLAS_API_KEYS = {"default": "", "noc": "test-key"}
    client = AtlasClient()
    assert client.key_names() == ["noc"]
    assert _create(client, key="noc")
    with pytest.raises(AtlasUnauthorized) as refused:
        _create(client, key="default")  # configured without a value
    assert refused.value.code == "no_key"
    assert str(refused.value) == "No RIPE Atlas API key named “default” is configured."
    assert len(fake_atlas.requests_to("POST")) == 1  # nothing sent without a key


def test_an_unknown_key_is_a_401_that_never_shows_the_key(fake_atlas, settings, caplog):
    settings.ATLAS_API_KEYS = {"default": "s3cret-not-known"}
    with caplog.at_level(logging.DEBUG), pytest.raises(AtlasUnauthorized) as refused:
        _create(AtlasClient())
    error = refused.value
    assert (error.code, error.status) == ("bad_key", 401)
    assert error.detail == "The provided API key does not exist"
    assert str(error) == "RIPE Atlas does not accept the API key “default”."
    assert "s3cret" not in caplog.text
    assert "s3cret" not in repr(error.__dict__) + str(error)


def test_a_403_means_the_key_may_not_do_this(fake_atlas):
    body = {"error": {"status": 403, "title": "Forbidden", "detail": "Permission denied."}}
    fake_atlas.fail(403, body)
    with pytest.raises(AtlasUnauthorized) as refused:
        _create(AtlasClient())
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert "not allowed" in str(refused.value)


def test_a_400_with_details_by_field_keeps_atlas_words(fake_atlas):
    unresolvable = build("ping", "unresolvable.example.net")
    with pytest.raises(AtlasRefused) as refused:
        _create(AtlasClient(), [unresolvable])
    error = refused.value
    assert (error.code, error.status) == ("refused", 400)
    assert error.fields == {"definitions": ["This target cannot be resolved"]}
    assert str(error) == "RIPE Atlas refused the measurement: This target cannot be resolved"
    with translation.override("es"):
        assert str(error) == "RIPE Atlas rechazó la medición: This target cannot be resolved"


def test_a_400_with_an_errors_list_keeps_the_specific_text(fake_atlas):
    text = (
        "Executing this measurement request will increase your current (101455) number of "
        "results by 2640.0 totalling 104095.0 which is higher than your maximum daily results "
        "limit 100000."
    )
    fake_atlas.refuse(text)
    with pytest.raises(AtlasRefused) as refused:
        _create(AtlasClient())
    assert refused.value.code == "over_limit"
    assert refused.value.detail == text
    assert str(refused.value) == f"RIPE Atlas refused the measurement: {text}"
    assert "There was a problem" not in str(refused.value)


def test_nested_field_details_and_pointers_are_named():
    response = requests.models.Response()
    response.status_code = 400
    response._content = json.dumps(
        {
            "error": {
                "detail": "There was a problem with your request",
                "errors": [
                    {"source": {"pointer": "/definitions/0/target"}, "detail": "Bad target"},
                    {"source": {"pointer": "/probes"}, "detail": "Not enough probes"},
                ],
            }
        }
    ).encode()
    error = _error_for(response, key="default", path="/measurements/")
    assert error.fields == {"definitions.0.target": ["Bad target"], "probes": ["Not enough probes"]}
    assert error.detail == "Bad target; Not enough probes"
    response._content = json.dumps({"error": {"detail": {"definitions": [{"af": ["x"]}]}}}).encode()
    assert _error_for(response, key=None, path="/").fields == {"definitions.af": ["x"]}


@pytest.mark.parametrize(
    ("detail", "code"),
    [
        ("Your selection of probes contains no suitable probes", "no_probes"),
        ("You do not have enough credit to schedule this measurement.", "credits"),
        ("You have reached the limit of 100 concurrent measurements", "over_limit"),
    ],
)
def test_known_refusals_have_their_own_code(fake_atlas, detail, code):
    fake_atlas.refuse(detail)
    with pytest.raises(AtlasRefused) as refused:
        _create(AtlasClient())
    assert refused.value.code == code
    if code == "no_probes":
        assert "no suitable probes" in str(refused.value)


def test_429_gives_retry_after_from_the_header_or_a_default(fake_atlas):
    client = AtlasClient()
    fake_atlas.rate_limit(retry_after=17)
    with pytest.raises(AtlasRateLimited) as limited:
        _create(client)
    assert (limited.value.code, limited.value.status, limited.value.retry_after) == (
        "rate_limited",
        429,
        17,
    )
    assert str(limited.value) == "RIPE Atlas asks us to slow down: try again in 17 seconds."
    fake_atlas.rate_limit(retry_after=None)
    with pytest.raises(AtlasRateLimited) as limited:
        _create(client)
    assert limited.value.retry_after == 60
    fake_atlas.rate_limit(retry_after=1)
    with pytest.raises(AtlasRateLimited) as limited:
        client.status(1)
    assert str(limited.value) == "RIPE Atlas asks us to slow down: try again in 1 second."
    assert _create(client)  # and then it goes through


def test_retry_after_as_an_http_date(fake_atlas):
    when = datetime.now(UTC).timestamp() + 120
    fake_atlas.fail(429, None, {"Retry-After": formatdate(when, usegmt=True)})
    with pytest.raises(AtlasRateLimited) as limited:
        _create(AtlasClient())
    assert 100 <= limited.value.retry_after <= 120


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_unavailable(fake_atlas, status):
    fake_atlas.fail(status, "<html>Bad gateway</html>")
    with pytest.raises(AtlasUnavailable) as unavailable:
        AtlasClient().status(1)
    assert (unavailable.value.code, unavailable.value.status) == ("server_error", status)
    assert str(unavailable.value) == (
        f"RIPE Atlas is having trouble (error {status}). Try again in a few minutes."
    )


def test_a_timeout_is_unavailable(fake_atlas, settings):
    settings.ATLAS_TIMEOUT_SECONDS = 0.2
    fake_atlas.delay(2)
    with pytest.raises(AtlasUnavailable) as unavailable:
        AtlasClient().status(1)
    assert unavailable.value.code == "timeout"


def test_a_closed_port_is_unavailable():
    with requests.Session() as probe:
        port = _free_port()
        client = AtlasClient(base_url=f"http://127.0.0.1:{port}/api/v2", session=probe)
        with pytest.raises(AtlasUnavailable) as unavailable:
            client.status(1)
    assert unavailable.value.code == "connection"


def test_an_answer_that_is_not_json_is_unavailable(fake_atlas):
    fake_atlas.fail(200, "not json")
    with pytest.raises(AtlasUnavailable) as unavailable:
        _create(AtlasClient())
    assert unavailable.value.code == "bad_response"
    fake_atlas.fail(201, {"measurements": []})  # fewer ids than definitions
    with pytest.raises(AtlasUnavailable):
        _create(AtlasClient())


def test_status_moves_from_specified_to_ongoing_to_stopped(fake_atlas):
    client = AtlasClient()
    [msm_id] = _create(client)
    seen = [client.status(msm_id) for _ in range(5)]
    assert [(s["status_id"], s["status_name"]) for s in seen] == [
        (0, "Specified"),
        (2, "Ongoing"),
        (2, "Ongoing"),
        (4, "Stopped"),
        (4, "Stopped"),
    ]
    assert [s["terminal"] for s in seen] == [False, False, False, True, True]
    last = seen[-1]
    assert last["id"] == msm_id
    assert (last["type"], last["target"], last["is_oneoff"]) == ("ping", "example.com", True)
    assert last["probes_requested"] == 10
    assert last["participant_count"] == 10
    assert last["stop_time"] is not None
    assert seen[0]["stop_time"] is None
    assert fake_atlas.requests_to("GET")[0].headers.get("authorization") is None  # public


def test_results_arrive_progressively_and_start_picks_up_where_polling_was(fake_atlas):
    client = AtlasClient()
    [msm_id] = _create(client)
    assert client.results(msm_id) == []  # not started
    client.status(msm_id)  # Specified
    client.status(msm_id)  # Ongoing
    first = client.results(msm_id)
    second = client.results(msm_id)
    assert 0 < len(first) < len(second) < 10
    newer = client.results(msm_id, start=second[-1]["timestamp"])
    assert newer[0]["timestamp"] == second[-1]["timestamp"]
    client.status(msm_id)
    client.status(msm_id)  # Stopped: everything
    every = client.results(msm_id)
    assert len(every) == 10
    assert {r["msm_id"] for r in every} == {msm_id}
    assert [r["timestamp"] for r in every] == sorted({r["timestamp"] for r in every})
    assert {r["type"] for r in every} == {"ping"}
    assert len({r["prb_id"] for r in every}) == 10  # repeated samples get other probe ids
    assert client.results(msm_id, start=every[-1]["timestamp"] + 1) == []
    since = datetime.fromtimestamp(every[5]["timestamp"], UTC)
    assert len(client.results(msm_id, start=since)) == 5
    query = fake_atlas.requests_to("GET", f"/measurements/{msm_id}/results")[-1].query
    assert query == {"start": str(every[5]["timestamp"])}
    only = client.results(msm_id, probe_ids=[every[0]["prb_id"]])
    assert [r["prb_id"] for r in only] == [every[0]["prb_id"]]


def test_results_accept_the_probe_mapping_shape(fake_atlas):
    mapping = {"270": samples.load("ping.json")[:1], "1216": samples.load("ping.json")[1]}
    fake_atlas.fail(200, mapping)
    assert [r["prb_id"] for r in AtlasClient().results(1)] == [270, 1216]
    fake_atlas.fail(200, mapping)
    assert len(AtlasClient().latest(1)) == 2


def test_no_suitable_probes_ends_the_measurement_without_results(fake_atlas):
    fake_atlas.no_suitable_probes = True
    client = AtlasClient()
    [msm_id] = _create(client)
    client.status(msm_id)
    status = client.status(msm_id)
    assert (status["status_id"], status["status_name"], status["terminal"]) == (
        6,
        "No suitable probes",
        True,
    )
    assert 6 in TERMINAL
    assert client.results(msm_id) == []


def test_stop_and_an_unknown_measurement(fake_atlas):
    client = AtlasClient()
    [msm_id] = _create(client)
    client.stop(msm_id, key="default")
    assert client.status(msm_id)["status_id"] == 4
    [stop] = fake_atlas.requests_to("DELETE")
    assert stop.headers["authorization"] == "Key test-key"
    with pytest.raises(AtlasRefused) as refused:
        client.status(12345)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)


def test_probes_facts_by_id(fake_atlas):
    found = AtlasClient().probes([270, 1216, 270])
    assert set(found) == {270, 1216}
    assert len(found[270]["country_code"]) == 2
    [asked] = fake_atlas.requests_to("GET", "/probes")
    assert asked.query["id__in"] == "270,1216"


def test_errors_survive_pickling_as_celery_stores_them():
    error = AtlasRateLimited(
        "slow down for %(seconds)s s", code="rate_limited", params={"seconds": 9}, retry_after=9
    )
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert isinstance(copy, AtlasError)
    assert (str(copy), copy.code, copy.retry_after) == ("slow down for 9 s", "rate_limited", 9)


def test_the_fake_runs_as_a_process_of_its_own(settings):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.diagnostics.fake_atlas", "--port", str(port)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert f"http://127.0.0.1:{port}/api/v2" in server.stdout.readline()
        client = AtlasClient(base_url=f"http://127.0.0.1:{port}/api/v2", keys={"k": "test-key"})
        [msm_id] = _create(client, key="k")
        assert client.status(msm_id)["status_name"] == "Specified"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
