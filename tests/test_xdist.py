"""Under pytest-xdist (`make test`), each worker's Redis database is its own: the
cache, the broker and the subprocesses it starts all use it (tests/conftest.py)."""

import os

import pytest
from django.conf import settings

from config.celery import app
from tests.conftest import RUN_REDIS_URL, redis_url_for_worker


def test_the_workers_redis_database_counts_down_from_the_runs():
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", 3) == "redis://127.0.0.1:6379/12"
    assert redis_url_for_worker("redis://:pw@redis:6380/9?x=1", 1) == "redis://:pw@redis:6380/8?x=1"
    with pytest.raises(pytest.UsageError, match="no Redis database"):
        redis_url_for_worker("redis://127.0.0.1:6379/1", 2)


def test_this_worker_uses_its_own_redis_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        pytest.skip("not under pytest-xdist: the run's Redis database is the only one")
    assert RUN_REDIS_URL in os.environ, "pytest_xdist_newgateway (tests/conftest.py) did not run"
    own = redis_url_for_worker(os.environ[RUN_REDIS_URL], int(worker.removeprefix("gw")))
    assert os.environ["REDIS_URL"] == settings.REDIS_URL == own
    assert settings.CACHES["default"]["LOCATION"] == own
    assert app.conf.broker_url == settings.CELERY_BROKER_URL == own
