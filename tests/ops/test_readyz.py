"""/readyz: database, Redis, migrations and a worker heartbeat, each named when it fails."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.plugins import beat_schedule
from core.redis import client as redis_client
from portal import health
from tests.e2e.worker import CELERY, PROJECT_DIR, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh():
    health.forget_migrations_check()
    redis_client().delete(health.HEARTBEAT_KEY)
    yield
    health.forget_migrations_check()
    redis_client.cache_clear()


def _beat_now(age: float = 0.0):
    value = {"at": time.time() - age, "hostname": "test"}
    redis_client().set(health.HEARTBEAT_KEY, json.dumps(value), ex=600)


def test_ready(client, db):
    _beat_now()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "database": "ok",
        "redis": "ok",
        "migrations": "ok",
        "worker": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_no_heartbeat_is_503_naming_the_worker(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["worker"] == "missing"
    assert response.json()["failing"] == ["worker"]


def test_old_heartbeat_is_stale(client, db, settings):
    settings.READYZ_WORKER_MAX_AGE_SECONDS = 30
    _beat_now(age=31)
    body = client.get("/readyz").json()
    assert body["worker"] == "stale"
    assert body["failing"] == ["worker"]
    _beat_now(age=29)
    assert client.get("/readyz").status_code == 200


def test_worker_check_can_be_turned_off(client, db, settings):
    settings.READYZ_WORKER_MAX_AGE_SECONDS = 0
    response = client.get("/readyz")
    assert response.status_code == 200
    assert "worker" not in response.json()


def test_unapplied_migration_is_503_and_the_answer_is_cached(client, db):
    _beat_now()
    assert client.get("/readyz").status_code == 200
    # The last migration of an app, forgotten by the database (inside the test's
    # transaction, rolled back after it): the code is ahead of the schema.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = "
            "(SELECT max(id) FROM django_migrations WHERE app = 'tickets')"
        )
    # Within the minute this process trusts its earlier answer.
    assert client.get("/readyz").status_code == 200
    health.forget_migrations_check()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"
    assert response.json()["failing"] == ["migrations"]


def test_cached_answer_costs_one_query(client, db, django_assert_num_queries):
    _beat_now()
    client.get("/readyz")
    with django_assert_num_queries(1):  # SELECT 1
        assert client.get("/readyz").status_code == 200


def test_redis_down_is_503_naming_redis(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    redis_client.cache_clear()
    body = client.get("/readyz").json()
    assert body["redis"] == "unavailable"
    assert body["worker"] == "unknown"
    assert body["database"] == "ok"
    assert body["failing"] == ["redis", "worker"]


def test_database_down_is_503_naming_the_database():
    # A separate process whose database is a real unreachable address.
    probe = (
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(r.status_code);"
        "print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/portal"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = result.stdout.strip().split("\n", 1)
    body = json.loads(body)
    assert int(status) == 503
    assert body["database"] == "unavailable"
    assert body["migrations"] == "unknown"
    assert body["redis"] == "ok"


def test_readyz_is_exempt_from_the_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/dashboard/").status_code == 301


def test_the_heartbeat_is_a_beat_job():
    entry = beat_schedule()["worker-heartbeat"]
    assert entry["task"] == "portal.health.heartbeat"


@pytest.mark.e2e
def test_ready_once_beat_and_a_real_worker_run_the_heartbeat(
    client, start_worker, tmp_path, settings
):
    start_worker()
    assert client.get("/readyz").json()["worker"] == "missing"
    beat = subprocess.Popen(
        [
            CELERY,
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "WORKER_HEARTBEAT_SECONDS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = wait_until(lambda: client.get("/readyz").status_code == 200, timeout=30)
    finally:
        beat.terminate()
        beat.wait(timeout=15)
    assert ready
    stored = json.loads(redis_client().get(health.HEARTBEAT_KEY))
    assert stored["hostname"].startswith("e2e-")
