"""The bench's floor page (bench/floor.py), the ratios every page gets to it and the
profile summary (bench/run.py, bench/profile.py): not timed, only what they compute.
"""

import cProfile
import pstats
import re
import time

import pytest

from bench import profile
from bench import run as bench_run
from bench.floor import FLOOR_PATH, ROWS
from tests.tickets.factories import TicketFactory


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_floor_shows_the_users_latest_tickets_behind_the_login(world, client):
    TicketFactory.create_batch(ROWS + 3, organisation=world.org, requester=world.member)
    TicketFactory(organisation=world.org, requester=world.other_member, subject="Not mine")

    response = client.get(FLOOR_PATH)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")

    client.force_login(world.member)
    response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<tr>") == ROWS + 1  # the heading and the rows
    assert "Not mine" not in body
    assert "<nav" not in body  # a plain template: not the portal's layout


def test_floor_is_not_a_production_url():
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(FLOOR_PATH, urlconf="config.urls")


def test_ratios_to_the_floor():
    first = {"rps": 400.0, "app_cpu_ms": 3.0, "db_cpu_ms": 1.0}
    again = {"rps": 300.0, "app_cpu_ms": 4.0, "db_cpu_ms": 2.0}
    reference = bench_run.floor_reference(first, again)
    assert reference == {"rps": 350.0, "cpu_ms": 5.0}

    page = {"rps": 70.0, "app_cpu_ms": 16.0, "db_cpu_ms": 4.0}
    # Both say how many times the floor's cost: the floor serves five of these.
    assert bench_run.vs_floor(page, reference) == {"rps": 5.0, "cpu": 4.0}
    assert bench_run.vs_floor(first, reference)["cpu"] == 0.8
    # Without a CPU meter (not Linux) the CPU ratio is unknown, not zero.
    unmetered = {"rps": 70.0, "app_cpu_ms": None, "db_cpu_ms": None}
    assert bench_run.vs_floor(unmetered, reference) == {"rps": 5.0, "cpu": None}
    assert bench_run.floor_reference(unmetered, page)["cpu_ms"] is None


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_a_profile_says_where_a_pages_time_goes(world, tmp_path):
    TicketFactory.create_batch(3, organisation=world.org, requester=world.member)
    result = profile.profile("floor-auth", world.member, FLOOR_PATH, requests=2, out=tmp_path)
    text = (tmp_path / "floor-auth.txt").read_text()
    assert text.startswith(f"floor-auth: GET {FLOOR_PATH}, 2 requests in process")
    assert "by cumulative time" in text
    assert "bench/floor.py" in text
    assert result["requests"] == 2
    assert result["ms"] > 0
    assert 0 < result["sql_ms"] < result["ms"]
    assert 0 < result["render_ms"] < result["ms"]
    assert 1 <= len(result["top"]) <= 3
    # The view and the middleware wrap the whole request: they are not among its costs.
    assert all(top["ms"] < result["ms"] * profile.WRAPPER_SHARE for top in result["top"])
    assert not any(
        "floor.py" in top["function"] and "(floor)" in top["function"] for top in result["top"]
    )


def _inner(_item):
    end = time.perf_counter() + 0.03
    while time.perf_counter() < end:
        pass


def _outer():
    sorted([0], key=_inner)  # called under it through code that is not the portal's


def _other():
    end = time.perf_counter() + 0.01
    while time.perf_counter() < end:
        pass


def _request():
    _outer()
    _other()


def test_a_cost_and_what_it_calls_are_listed_once(monkeypatch):
    monkeypatch.setattr(profile, "OWN_CODE", re.compile(rf"^{re.escape(__file__)}$"))
    profiler = cProfile.Profile()
    profiler.runcall(_request)
    result = profile.summary(pstats.Stats(profiler), requests=1)
    # _request wraps it all; _inner is most of _outer, which calls it through sorted().
    assert [top["function"].rsplit("(", 1)[1] for top in result["top"]] == ["_outer)", "_other)"]
    assert result["top"][0]["ms"] >= 30
