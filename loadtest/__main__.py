"""`make load` (python -m loadtest): the portal as deployed, under a bounded load.

1. A database of its own (LOADTEST_DB, default portal_load), migrated, with the demo
   (manage.py demo: its people, tickets and documents; idempotent) and LOADTEST_AGENTS
   agents of its own; LOADTEST_PREPARED=1 skips this on a database already prepared.
2. gunicorn (LOADTEST_WEB_WORKERS processes), a Celery worker and beat on loopback,
   with production settings (DEBUG off, JSON logs in loadtest/logs/).
3. Waits until /readyz answers 200: database, Redis, migrations, and beat and the
   worker heard from.
4. Locust, headless, for LOADTEST_SECONDS (default 60) with LOADTEST_USERS people
   (clients and agents, 3 to 1; loadtest/locustfile.py), counted once all have
   logged in.
5. Waits for the broker's queue to drain (up to LOADTEST_DRAIN_SECONDS), reads
   /metrics once, and writes loadtest/results.json: requests per second, p50/p95 per
   step, failures, the queue's deepest point during the run and the time it took to
   drain.

Fails (exit 1) on any failed request or a queue that did not drain.
"""

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "loadtest"
BIN = Path(sys.executable).parent
DB = os.environ.get("LOADTEST_DB", "portal_load")
PORT = int(os.environ.get("LOADTEST_PORT", "8791"))
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "5"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
DRAIN_SECONDS = int(os.environ.get("LOADTEST_DRAIN_SECONDS", "120"))
WEB_WORKERS = int(os.environ.get("LOADTEST_WEB_WORKERS", "2"))
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/11")
METRICS_TOKEN = secrets.token_urlsafe(24)
PASSWORD = "demo-portal-2026"  # noqa: S105 (the demo's, given to the load agents too)
URL = f"http://127.0.0.1:{PORT}"

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": URL,
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "REDIS_URL": REDIS_URL,
    "CELERY_BROKER_URL": REDIS_URL,
    "EMAIL_URL": "dummymail://",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "LOG_FORMAT": "json",
    "LOG_LEVEL": "WARNING",
    "METRICS_TOKEN": METRICS_TOKEN,
    "WORKER_HEARTBEAT_SECONDS": "5",
    "PYTHONUNBUFFERED": "1",
    "LOADTEST_PASSWORD": PASSWORD,
    "LOADTEST_AGENTS": os.environ.get("LOADTEST_AGENTS", "8"),
}


def _run(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, env=ENV, check=True)  # noqa: S603 (our own commands)


# Agents of the load test's own, each with an authenticator whose key the personas
# know (loadtest/keys.py): they sign in as staff must, typing the
# code after the password. One account per agent persona: a code is accepted once.
AGENTS = int(os.environ.get("LOADTEST_AGENTS", "8"))
MAKE_AGENTS = """
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
from accounts.roles import AGENT
from loadtest.keys import agent_key
group = Group.objects.get(name=AGENT)
for n in range(1, {count} + 1):
    user, _ = User.objects.get_or_create(
        email=f"load-agent-{{n}}@loadtest.example",
        defaults={{"is_staff": True, "display_name": f"Load agent {{n}}"}},
    )
    user.set_password("{password}")
    user.save()
    user.groups.add(group)
    TOTPDevice.objects.update_or_create(
        user=user, name="authenticator", defaults={{"key": agent_key(n), "confirmed": True}}
    )
"""


def prepare() -> None:
    if os.environ.get("LOADTEST_PREPARED"):  # the database is there from an earlier run
        return
    _run(str(BIN / "python"), "scripts/createdb.py")
    _run(str(BIN / "python"), "manage.py", "migrate", "--no-input", "-v", "0")
    _run(str(BIN / "python"), "manage.py", "demo")
    code = MAKE_AGENTS.format(count=AGENTS, password=PASSWORD)
    _run(str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c", code)


class Processes:
    def __init__(self, logs: Path, media: Path, schedule: Path):
        self.logs, self.media, self.schedule = logs, media, schedule
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *command: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command,
            cwd=ROOT,
            env={**ENV, "MEDIA_ROOT": str(self.media)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))

    def __enter__(self):
        self.start(
            "web",
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WEB_WORKERS),
            "--limit-request-line",
            "8190",
        )
        celery = str(BIN / "celery")
        self.start("worker", celery, "-A", "config", "worker", "--concurrency", "2")
        self.start("beat", celery, "-A", "config", "beat", "--schedule", str(self.schedule))
        return self

    def __exit__(self, *exc_info):
        for _name, process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def dead(self) -> list[str]:
        return [name for name, process in self.started if process.poll() is not None]


def _get(path: str, headers=None) -> tuple[int, str]:
    request = urllib.request.Request(URL + path, headers=headers or {})  # noqa: S310 (http)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_ready(processes: Processes, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        if processes.dead():
            raise SystemExit(f"stopped before ready: {processes.dead()} (see loadtest/logs/)")
        status, body = _get("/readyz")
        if status == 200:
            return json.loads(body)
        time.sleep(1)
    raise SystemExit(f"/readyz did not answer 200 within {timeout:.0f} s: {body}")


def queue_depth(client: redis.Redis) -> int:
    keys = ["celery"] + [f"celery\x06\x16{step}" for step in (3, 6, 9)]
    return sum(client.llen(key) for key in keys)


class QueueWatch(threading.Thread):
    """The broker queue's deepest point while the load runs."""

    def __init__(self, client: redis.Redis):
        super().__init__(daemon=True)
        self.client, self.deepest, self.stop = client, 0, threading.Event()

    def run(self):
        while not self.stop.wait(0.5):
            self.deepest = max(self.deepest, queue_depth(self.client))


def run_locust(folder: Path) -> Path:
    command = [
        str(BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        URL,
        "--users",
        str(USERS),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{SECONDS}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(folder / "load"),
        "--only-summary",
        # The figures are the steady state: logins (Argon2, on purpose slow) and the
        # ramp-up are not counted.
        "--reset-stats",
        "--loglevel",
        "WARNING",
    ]
    # Locust exits 1 when a request failed: the figures say which, below.
    subprocess.run(command, cwd=ROOT, env=ENV, check=False)  # noqa: S603 (our own command)
    return folder / "load_stats.csv"


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def read_stats(path: Path) -> tuple[dict, dict]:
    steps, total = {}, {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "p99_ms": _ms(row["99%"]),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                steps[f"{row['Type']} {row['Name']}"] = figures
    return steps, total


def failures(folder: Path) -> list[dict]:
    path = folder / "load_failures.csv"
    if not path.exists():
        return []
    with path.open() as handle:
        return [
            {"step": row["Name"], "error": row["Error"][:300], "count": int(row["Occurrences"])}
            for row in csv.DictReader(handle)
        ]


def scrape_metrics() -> dict:
    status, body = _get("/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    if status != 200:
        return {"status": status}
    wanted = (
        "portal_celery_queue_messages",
        "portal_deliveries",
        "portal_sla_clocks_due",
        "portal_worker_heartbeat_age_seconds",
    )
    found = {}
    for line in body.splitlines():
        match = re.match(r"^(\w+)(\{[^}]*\})? (\S+)$", line)
        if match and match.group(1).startswith(wanted):
            found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


def main() -> int:
    started = time.monotonic()
    prepare()
    prepared = time.monotonic() - started
    logs = HERE / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # the load test's own database: nothing of anyone else's
    with tempfile.TemporaryDirectory(prefix="portal-load-") as scratch:
        scratch = Path(scratch)
        media = Path(os.environ.get("MEDIA_ROOT", ROOT / "media"))
        with Processes(logs, media, scratch / "beat-schedule") as processes:
            ready = wait_ready(processes)
            watch = QueueWatch(broker)
            watch.start()
            load_started = time.monotonic()
            stats = run_locust(scratch)
            load_seconds = time.monotonic() - load_started
            watch.stop.set()
            drain_started = time.monotonic()
            drained = False
            while time.monotonic() - drain_started < DRAIN_SECONDS:
                if queue_depth(broker) == 0:
                    drained = True
                    break
                time.sleep(0.5)
            drain_seconds = time.monotonic() - drain_started
            metrics = scrape_metrics()
            dead = processes.dead()
            steps, total = read_stats(stats)
            errors = failures(scratch)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "setup": {
            "database": DB,
            "web_workers": WEB_WORKERS,
            "celery_concurrency": 2,
            "users": USERS,
            "spawn_rate": SPAWN_RATE,
            "seconds": SECONDS,
            "personas": {"clients": 3, "agents": 1},
            "agent_accounts": AGENTS,
            "prepare_seconds": round(prepared, 1),
        },
        "ready": ready,
        "total": {**total, "seconds": round(load_seconds, 1)},
        "steps": steps,
        "errors": errors,
        "queue": {
            "deepest": watch.deepest,
            "drained": drained,
            "seconds_to_drain": round(drain_seconds, 1),
        },
        "metrics_after": metrics,
        "processes_exited": dead,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps({"total": results["total"], "queue": results["queue"]}, indent=2))
    problems = []
    if not total.get("requests"):
        problems.append("no request was made")
    if total.get("failures") or errors:
        problems.append(f"{total.get('failures')} failed requests: {errors}")
    if not drained:
        problems.append(f"the queue did not drain in {DRAIN_SECONDS} s")
    if dead:
        problems.append(f"processes exited during the run: {dead}")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
