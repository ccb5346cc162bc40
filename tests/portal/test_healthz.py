import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Asks /healthz through Django's test client in a separate process, so the
# failing service can be a real unreachable address rather than a mock.
PROBE = (
    "from django.test import Client;"
    "r = Client().get('/healthz');"
    "print(r.status_code);"
    "print(r.content.decode())"
)


def _probe(**env):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_redis_down_is_503_naming_redis(django_db_setup):
    # PostgreSQL up means the test database, which exists whatever the machine has.
    from tests.e2e.worker import database_url_for_tests

    status, body = _probe(REDIS_URL="redis://127.0.0.1:1/0", DATABASE_URL=database_url_for_tests())
    assert status == 503
    assert body["failing"] == ["redis"]
    assert body["checks"]["postgres"] == "ok"


def test_postgres_down_is_503_naming_postgres():
    status, body = _probe(DATABASE_URL="postgres://postgres@127.0.0.1:1/portal")
    assert status == 503
    assert body["failing"] == ["postgres"]
    assert body["checks"]["redis"] == "ok"


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
