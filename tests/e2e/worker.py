"""A real Celery worker process for end-to-end tests.

The worker runs `celery -A config worker` against the test database (the one
pytest-django created: its name is read from the settings at run time) and the
test run's Redis database (REDIS_URL from pytest-env). Tests enqueue through the
real broker and observe the worker's effects in the database.

Usage, as a fixture:

    @pytest.fixture(scope="module")
    def celery_worker_process(django_db_setup):
        with CeleryWorker() as worker:
            yield worker
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def database_url_for_tests() -> str:
    """DATABASE_URL for the database pytest-django set up (call after django_db_setup)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = db.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(db['NAME'], safe='')}"


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_tests(),
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.1):
    """Call `predicate` until it returns something truthy; return that, or None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


class CeleryWorker:
    """Start, watch and stop one `celery worker --pool solo` subprocess."""

    def __init__(self, *, start_timeout: float = 30.0, loglevel: str = "INFO"):
        self.start_timeout = start_timeout
        self.loglevel = loglevel
        self.env = worker_env()
        self.hostname = f"e2e-{os.getpid()}@%h"
        self.process: subprocess.Popen | None = None
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None

    # Output

    @property
    def lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def mark(self) -> int:
        """A position in the output, for `output_since`."""
        with self._lock:
            return len(self._lines)

    def output_since(self, mark: int) -> str:
        with self._lock:
            return "".join(self._lines[mark:])

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line)

    # Lifecycle

    def _celery(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess:
        return subprocess.run(
            [CELERY, "-A", "config", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def purge(self) -> None:
        """Drop messages left in the test broker by earlier runs or other tests."""
        result = self._celery("purge", "-f")
        if result.returncode != 0:
            raise RuntimeError(f"celery purge failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> "CeleryWorker":
        self.purge()
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--loglevel",
                self.loglevel,
                "--hostname",
                self.hostname,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, name="celery-worker-output", daemon=True)
        self._reader.start()
        ready = wait_until(
            lambda: self.process.poll() is not None or " ready." in self.output,
            timeout=self.start_timeout,
        )
        if not ready or self.process.poll() is not None:
            output = self.output
            self.stop()
            raise RuntimeError(
                f"the Celery worker did not become ready in {self.start_timeout:.0f} s "
                f"(exit code {self.process.returncode}). Its output:\n{output}"
            )
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM: warm shutdown, finishes the current task
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self._reader is not None:
            self._reader.join(timeout=5)

    def __enter__(self) -> "CeleryWorker":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def assert_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise AssertionError(
                f"the Celery worker has exited ({code}). Its output:\n{self.output}"
            )
