"""Drill 3: PostgreSQL restarted under load, on a cluster the drill starts itself.

initdb makes a throwaway cluster on a free port (drills/servers.py, as the
postgres user when run as root); the portal is migrated into it and seeded
(drills/pg_seed.py). A real gunicorn (two workers) and a real Celery worker
run on it. Clients open tickets and reply over HTTP, an agent reads the queue
and adds notes, while `pg_ctl restart -m fast` cuts every connection. Load goes
on after the restart. Then:

- the same processes (gunicorn's master and workers, the Celery worker: same
  PIDs) answer again and the worker dispatches new events, without a restart;
- a request that failed while the database was away was a 503 with the
  "under maintenance" page (portal.views.server_error), never a 500;
- no half-written ticket: each ticket has its opening event, each public reply
  its event; what the client was told was saved is there once, what was
  refused is not there at all.
"""

import json
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import requests

from bench.fake_smtp import FakeSMTP
from drills.conftest import record
from drills.servers import PostgresCluster, WebServer, web_env
from tests.e2e.worker import PROJECT_DIR, CeleryWorker, wait_until

UP, AFTER = 5.0, 8.0
CLIENTS = 2


def run_script(env, command: str) -> dict:
    result = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "drills.pg_seed", command],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("JSON:")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"pg_seed {command} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1][5:])


@pytest.fixture
def cluster():
    cluster = PostgresCluster().init()
    cluster.createdb("portal_drill")
    yield cluster
    cluster.cleanup()


@pytest.fixture
def stack(cluster):
    """Migrated and seeded; gunicorn and a Celery worker on the drill's cluster."""
    with FakeSMTP() as smtp:
        env = web_env(
            DATABASE_URL=cluster.url("portal_drill"),
            EMAIL_URL=smtp.url,
            EVENT_OUTBOX_GRACE_SECONDS=5,
        )
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        seeded = run_script(env, "seed")
        web = WebServer(env).start()
        worker = CeleryWorker(start_timeout=60)
        worker.env = dict(env)
        worker.start()
        try:
            yield env, seeded, web, worker
        finally:
            web.stop()
            worker.stop()


class Load:
    def __init__(self, base_url):
        self.base_url = base_url
        self.phase = "up"
        self.answers: list[tuple[str, str, int, str]] = []
        self.stop = threading.Event()
        self.writes: list[tuple[str, str, int]] = []  # (kind, text, status)
        self.errors: list[str] = []

    def session(self, key):
        session = requests.Session()
        session.cookies.set("sessionid", key)
        session.headers["Referer"] = self.base_url + "/"
        return session

    def call(self, session, method, path, what, **kwargs):
        phase = self.phase
        try:
            response = session.request(
                method, self.base_url + path, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            self.answers.append((phase, what, 0, repr(exc)[:300]))
            return None
        body = response.text[:3000] if response.status_code >= 400 else ""
        self.answers.append((phase, what, response.status_code, body))
        return response

    def token(self, session, path):
        token = session.cookies.get("csrftoken")
        if not token:
            self.call(session, "GET", path, "csrf")
            token = session.cookies.get("csrftoken", "")
        return token

    def client(self, key, tickets, name):
        session = self.session(key)
        n = 0
        try:
            while not self.stop.is_set():
                subject = f"Load {name} {n}"
                answer = self.call(
                    session,
                    "POST",
                    "/tickets/new/",
                    "client: open ticket",
                    data={
                        "subject": subject,
                        "description": "Opened during the drill.",
                        "csrfmiddlewaretoken": self.token(session, "/tickets/new/"),
                    },
                )
                self.writes.append(("ticket", subject, answer.status_code if answer else 0))
                number = tickets[n % len(tickets)][0]
                body = f"Reply {name} {n}"
                answer = self.call(
                    session,
                    "POST",
                    f"/tickets/{number}/",
                    "client: reply",
                    data={"body": body, "csrfmiddlewaretoken": self.token(session, "/")},
                )
                self.writes.append(("reply", body, answer.status_code if answer else 0))
                self.call(session, "GET", "/tickets/", "client: ticket list")
                n += 1
        except Exception as exc:
            self.errors.append(repr(exc))

    def agent(self, key, tickets):
        session = self.session(key)
        n = 0
        try:
            while not self.stop.is_set():
                pk = tickets[n % len(tickets)][1]
                self.call(session, "GET", "/admin/tickets/ticket/", "agent: queue")
                self.call(session, "GET", f"/admin/tickets/ticket/{pk}/change/", "agent: ticket")
                n += 1
        except Exception as exc:
            self.errors.append(repr(exc))


def test_postgres_restart_under_load(stack, cluster, drill_clock):
    env, seeded, web, worker = stack
    pids_before = web.pids()
    worker_pid = worker.process.pid
    load = Load(web.url)
    threads = [
        threading.Thread(target=load.client, args=(seeded["member"], seeded["tickets"], f"c{n}"))
        for n in range(CLIENTS)
    ]
    threads.append(threading.Thread(target=load.agent, args=(seeded["agent"], seeded["tickets"])))
    for thread in threads:
        thread.start()
    time.sleep(UP)
    load.phase = "restart"
    restart_began = time.monotonic()
    cluster.restart()
    restart_seconds = time.monotonic() - restart_began
    load.phase = "after"
    time.sleep(AFTER)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=60)

    # Served again by the same processes: one more round, all of it must succeed.
    final = Load(web.url)
    final.phase = "final"
    final.stop.set()
    session = final.session(seeded["member"])
    final.call(session, "GET", "/tickets/", "client: ticket list")
    final.call(session, "GET", f"/tickets/{seeded['tickets'][0][0]}/", "client: ticket")
    final.call(
        session,
        "POST",
        f"/tickets/{seeded['tickets'][0][0]}/",
        "client: reply",
        data={"body": "After the restart", "csrfmiddlewaretoken": final.token(session, "/")},
    )
    pids_after = web.pids()
    worker_alive = worker.process.poll() is None and worker.process.pid == worker_pid

    # The worker, never restarted, dispatches what was written after the restart.
    requeued = []

    def dispatched():
        state = run_script(env, "check")
        requeued.append(state["requeued"])
        return state if state["events_undispatched"] == 0 else None

    state = wait_until(dispatched, timeout=60, interval=2.0) or run_script(env, "check")

    by_phase = Counter((phase, status) for phase, _, status, _ in load.answers)
    failed = [a for a in load.answers if a[2] >= 500 or a[2] == 0]
    five_hundreds = [a for a in load.answers + final.answers if a[2] == 500]
    unclear = [a for a in failed if a[2] == 503 and "maintenance" not in a[3]]
    subjects, bodies = Counter(state["subjects"]), Counter(state["comment_bodies"])
    saved = {("ticket", s) for s, n in subjects.items()} | {("reply", b) for b in bodies}
    # Told saved (302) and there once; refused (anything else) and absent.
    told_saved = [(k, t) for k, t, status in load.writes if status == 302]
    told_failed = [(k, t) for k, t, status in load.writes if status != 302]
    lost = sum(1 for item in told_saved if item not in saved)
    duplicated = sum(n - 1 for n in subjects.values() if n > 1) + sum(
        n - 1 for n in bodies.values() if n > 1
    )
    saved_though_refused = sum(1 for item in told_failed if item in saved)
    figures = record(
        "postgres_restart",
        restart_seconds=round(restart_seconds, 2),
        requests=len(load.answers),
        answers_by_phase={f"{p} {s}": n for (p, s), n in sorted(by_phase.items())},
        failed_requests=len(failed),
        failed_statuses=dict(Counter(a[2] for a in failed)),
        http_500=len(five_hundreds),
        writes=len(load.writes),
        writes_saved=len(told_saved),
        writes_refused=len(told_failed),
        saved_though_refused=saved_though_refused,
        tickets=state["tickets"],
        half_written_tickets=len(state["tickets_without_event"]),
        replies_without_event=state["comments_without_event"],
        events_undispatched=state["events_undispatched"],
        requeued_by_outbox_sweep=sum(requeued),
        web_pids_unchanged=pids_before == pids_after,
        worker_pid_unchanged=worker_alive,
        final_round=[a[2] for a in final.answers],
        lost=lost,
        duplicated=duplicated,
        seconds=drill_clock(),
    )
    assert not load.errors, load.errors
    assert not five_hundreds, (five_hundreds[:2], web.output.tail(80))
    assert not unclear, unclear[:2]
    assert pids_before == pids_after, figures
    assert worker_alive, worker.output[-3000:]
    assert all(status in (200, 302) for status in figures["final_round"]), final.answers
    assert state["tickets_without_event"] == [], figures
    assert state["comments_without_event"] == 0, figures
    assert state["events_undispatched"] == 0, (figures, worker.output[-3000:])
    assert saved_though_refused == 0, figures
    assert lost == 0, figures
    assert duplicated == 0, figures
