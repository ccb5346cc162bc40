"""Fault drills (docs/drills.md): real processes, real faults, lost and duplicated counted.

`make drill` runs them (`pytest drills -p no:xdist`); they are not part of
`make test` (pytest's testpaths is tests/). They reuse the suite's personas,
worker starter and fakes: tests/conftest.py's fixtures are imported below, so
each drill runs against the test database pytest-django sets up and the Redis
database of REDIS_URL.

Each drill calls `record(name, **figures)`, which merges its figures into
drills/results.json (one entry per drill, replaced on each run).
"""

import json
import os
import threading
import time
from pathlib import Path

import pytest

from tests import conftest as suite

# Every fixture of the suite's conftest (its personas, the worker starter, its
# database setup, the per-test clean-up), as if this directory were under tests/.
globals().update(
    {
        name: value
        for name, value in vars(suite).items()
        if hasattr(value, "_fixture_function_marker")
    }
)

RESULTS = Path(__file__).with_name("results.json")
_lock = threading.Lock()


def record(name: str, **figures) -> dict:
    """Merge one drill's figures into drills/results.json and return them."""
    figures = {"ran_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}
    with _lock:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results[name] = figures
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return figures


@pytest.fixture
def drill_clock():
    """Wall-clock seconds since the drill began."""
    began = time.monotonic()
    return lambda: round(time.monotonic() - began, 1)


def pytest_report_header(config):
    return f"drills: results in {os.path.relpath(RESULTS)}"
