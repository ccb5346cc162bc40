"""`make bench`: seed a database, serve it with gunicorn as in production, and
measure each page's requests per second, latency percentiles and SQL queries.

Writes bench/results.json:
{"dataset": {...}, "pages": {NAME: {"rps", "p50_ms", "p95_ms", "p99_ms", "queries", ...}},
 "jobs": {...}, "idle_tab": {...}, "knowledge_search": {...}, "timing": {...}}
Each page also records its path, the status it must answer (200, or 204 for an idle
live poll) and the server CPU per request: `app_cpu_ms` in the gunicorn workers,
`db_cpu_ms` in their PostgreSQL backends (Linux /proc; null elsewhere), `cpu_ms` both.
The first page is "floor-auth" (bench/floor.py): a bare signed-in page served by the
same gunicorn with the same settings, but for ROOT_URLCONF=bench.urls (which adds it).
It is measured again after every other page (its `runs`), and each page is compared
with the floor runs just before and after it (the page's `floor`, their mean), so
that what else the machine runs meanwhile weighs on both alike: `vs_floor` is the
page's cost as a multiple of the floor's, `rps` the floor's requests per second over
the page's, `cpu` the page's CPU per request over the floor's. The floor's own
`vs_floor` is against the mean of all its runs (`reference`). Absolute figures drift
with whatever else the machine runs; the ratios much less. Every page
answering 200 but healthz is then profiled in process (bench/profile.py):
bench/profiles/<page>.txt and a summary under `profile`.
`idle_tab` is what one open ticket page costs the server per minute while nothing
changes (it polls every 4 s and gets 204), with the same for an open list (every 5 s).
`jobs` is the SLA sweep's time over 100,000 and 1,000,000 open tickets, each size on a
database of its own (bench/jobs/), and the notification fan-out's throughput: 10,000
events through real workers to delivered e-mails and Telegram messages against local
fakes (bench/fanout.py, keys `fanout_*`). `knowledge_search` is the knowledge base's
search and suggestions timed in process over its 100,000 texts, p50 and p99 per query
and per set (bench/kb_search.py). BENCH_SKIP_PAGES=1, BENCH_SKIP_JOBS=1,
BENCH_SKIP_FANOUT=1 or BENCH_SKIP_KB_SEARCH=1 skips a part, keeping what the last
results.json had for it; BENCH_SKIP_PROFILES=1 measures the pages without profiling them.
Everything runs on this machine against loopback only, with bounded request counts.
"""

import contextlib
import html
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.cpu import CpuMeter

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB", "portal_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "40"))  # requests before measuring each page
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
# How often an open page polls (templates/tickets/detail.html and list.html).
POLL_SECONDS = {"ticket live poll (idle, 204)": 4, "list live poll (idle, 204)": 5}

ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", secrets.token_urlsafe(50)),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "LOG_LEVEL": "WARNING",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "EMAIL_URL": "consolemail://",
}
# The pages are served, counted and profiled with the portal's URLs plus the floor's.
PAGES_ENV = {**ENV, "ROOT_URLCONF": "bench.urls"}


def _setup_django():
    os.environ.update(PAGES_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare_database():
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=ENV,
        check=True,
    )


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts import second_factor

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As a session left after typing the second-step code (staff must have one).
    store[second_factor.SESSION_KEY] = {"device": "bench", "at": "bench"}
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _count_queries(user, path, status=200) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts import second_factor

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
        session = client.session
        session[second_factor.SESSION_KEY] = {"device": "bench", "at": "bench"}
        session.save()
    client.get(path)  # warm caches the way a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == status, (path, response.status_code, status)
    return len(captured.captured_queries)


def _get(path, cookie) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _poll_path_from_page(page_path, cookie, pattern) -> str | None:
    """The live URL the page renders for its poll: what an open tab really sends."""
    status, body = _get(page_path, cookie)
    found = re.search(pattern, body) if status == 200 else None
    return html.unescape(found.group(1)) if found else None


def _own_backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _load(path, cookie, status=200, server=None, requests=REQUESTS) -> dict:
    latencies: list[float] = []
    errors = []
    per_thread = max(1, requests // CONCURRENCY)
    lock = threading.Lock()

    def worker():
        headers = {"Cookie": cookie} if cookie else {}
        mine = []
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            for _ in range(per_thread):
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - start)
                if response.status != status:
                    errors.append(response.status)
        except (OSError, http.client.HTTPException) as error:
            errors.append(repr(error))
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)

    meter = CpuMeter(server.pid, DB_NAME, _own_backend_pid()) if server is not None else None
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    with meter or contextlib.nullcontext():
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{path}: {len(errors)} answers other than {status}, e.g. {errors[0]}")
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    measured = {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
    }
    cpu = meter.result() if meter is not None else {"app": None, "db": None}
    for kind, seconds in cpu.items():
        per_request = seconds * 1000 / len(latencies) if seconds is not None else None
        measured[f"{kind}_cpu_ms"] = round(per_request, 2) if per_request is not None else None
    return measured


def _serve():
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=PAGES_ENV,
    )
    for _ in range(150):
        try:
            if _get("/healthz", "")[0] == 200:
                return process
        except (OSError, http.client.HTTPException):
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    _stop(process)
    raise SystemExit("gunicorn did not start")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _idle_tab(pages) -> dict:
    """What one open tab costs the server per minute while nothing changes."""

    def per_minute(name):
        page = pages.get(name)
        if page is None:
            return None
        every = POLL_SECONDS[name]
        polls = 60 / every
        cpu = (
            round((page["app_cpu_ms"] + page["db_cpu_ms"]) * polls, 1)
            if page.get("app_cpu_ms") is not None and page.get("db_cpu_ms") is not None
            else None
        )
        return {
            "page": name,
            "poll_every_s": every,
            "requests_per_minute": round(polls, 1),
            # Latency includes queueing behind the other benchmark clients: an upper bound.
            "server_ms_per_minute": round(page["p50_ms"] * polls, 1),
            "cpu_ms_per_minute": cpu,
            "queries_per_minute": round(page["queries"] * polls, 1),
        }

    ticket = per_minute("ticket live poll (idle, 204)") or {}
    return {**ticket, "list_tab": per_minute("list live poll (idle, 204)")}


def _page_spec(spec) -> tuple:
    user, path, *rest = spec
    return user, path, (rest[0] if rest else 200)


def cpu_ms(measured) -> float | None:
    """Server CPU per request: the workers' and their PostgreSQL backends'."""
    app, db = measured.get("app_cpu_ms"), measured.get("db_cpu_ms")
    return round(app + db, 2) if app is not None and db is not None else None


def floor_reference(*runs) -> dict:
    """The floor's requests per second and CPU per request: the mean of its runs."""
    cpus = [cpu_ms(run) for run in runs]
    return {
        "rps": round(statistics.mean(run["rps"] for run in runs), 1),
        "cpu_ms": round(statistics.mean(cpus), 2) if None not in cpus else None,
    }


def vs_floor(measured, reference) -> dict:
    """A page's cost as a multiple of the floor's: `rps` is the floor's requests per
    second over the page's, `cpu` the page's CPU per request over the floor's."""
    cpu = cpu_ms(measured)
    return {
        "rps": round(reference["rps"] / measured["rps"], 2) if measured["rps"] else None,
        "cpu": round(cpu / reference["cpu_ms"], 2)
        if cpu is not None and reference["cpu_ms"]
        else None,
    }


def _floor_run(measured, after) -> dict:
    """One measure of the floor, and the page measured just before it."""
    keys = ("rps", "p50_ms", "app_cpu_ms", "db_cpu_ms")
    return {**{key: measured[key] for key in keys}, "cpu_ms": cpu_ms(measured), "after": after}


def _table(pages) -> str:
    """Every page with its ratios to the floor and its profile's top costs."""
    lines = [
        f"{'page':<32} {'rps':>7} {'cpu ms':>7} {'x rps':>6} {'x cpu':>6} {'queries':>7}"
        "  top costs (profiled ms per request)"
    ]
    for name, page in pages.items():
        ratio = page.get("vs_floor", {})
        profile = page.get("profile")
        top = "; ".join(f"{t['function']} {t['ms']}" for t in profile["top"]) if profile else ""
        lines.append(
            f"{name:<32} {page['rps']:>7} {cpu_ms(page) or '-':>7} {ratio.get('rps') or '-':>6}"
            f" {ratio.get('cpu') or '-':>6} {page['queries']:>7}  {top}"
        )
    return "\n".join(lines)


def _pages(started) -> dict:
    """The page benchmark: dataset, pages, idle_tab and its timing."""
    # Other work on the machine moves latency and rps; CPU per request much less.
    load_before = [round(x, 2) for x in os.getloadavg()]
    _prepare_database()
    prepare_seconds = time.perf_counter() - started
    _setup_django()
    from bench import pages as bench_pages
    from bench import profile, seed

    seed_started = time.perf_counter()
    dataset, personas = seed.seed()
    seed_seconds = time.perf_counter() - seed_started
    print(f"Seeded in {seed_seconds:.1f} s: {dataset}")
    pages = {name: _page_spec(spec) for name, spec in bench_pages.pages(personas).items()}
    results = {"dataset": dataset, "pages": {}}
    measured_pages = results["pages"]
    server = _serve()
    cookies = {}

    def cookie_of(user):
        if user is None:
            return ""
        if user.pk not in cookies:
            cookies[user.pk] = _session_cookie(user)
        return cookies[user.pk]

    floor_runs = []  # the floor before the first page, then after each page

    def run_floor(after):
        user, path, status = pages[bench_pages.FLOOR]
        floor_runs.append(_floor_run(_load(path, cookie_of(user), status, server=server), after))

    try:
        for name, (user, path, status) in pages.items():
            cookie = cookie_of(user)
            source = bench_pages.POLL_SOURCES.get(name)
            if source and source[0] in pages:
                rendered = _poll_path_from_page(pages[source[0]][1], cookie, source[1])
                if rendered is None:
                    print(f"  {name}: no poll URL found on {pages[source[0]][1]}")
                elif rendered != path:
                    print(f"  {name}: the page polls {rendered}, not {path}; measuring the page's")
                    path = rendered
                    pages[name] = (user, path, status)
            _load(path, cookie, status, requests=WARMUP)  # every worker has served it
            measured = _load(path, cookie, status, server=server)
            measured["queries"] = _count_queries(user, path, status)
            measured["path"] = path
            measured["status"] = status
            measured["cpu_ms"] = cpu_ms(measured)
            if name == bench_pages.FLOOR:
                floor_runs.append(_floor_run(measured, after=None))
            else:
                run_floor(after=name)
                measured["floor"] = floor_reference(*floor_runs[-2:])
            measured_pages[name] = measured
            print(
                f"{name:<32} rps {measured['rps']:>7}  p50 {measured['p50_ms']:>7} ms"
                f"  p99 {measured['p99_ms']:>7} ms  queries {measured['queries']:>3}"
                f"  cpu app/db {measured['app_cpu_ms']}/{measured['db_cpu_ms']} ms"
                f"  (floor then: rps {floor_runs[-1]['rps']}, cpu {floor_runs[-1]['cpu_ms']} ms)"
            )
    finally:
        _stop(server)
    floor = measured_pages[bench_pages.FLOOR]
    floor["runs"] = floor_runs
    floor["reference"] = floor["floor"] = floor_reference(*floor_runs)
    print(f"Floor over {len(floor_runs)} runs: {floor['reference']}")
    for measured in measured_pages.values():
        measured["vs_floor"] = vs_floor(measured, measured["floor"])
    profiled_started = time.perf_counter()
    if os.environ.get("BENCH_SKIP_PROFILES") != "1":
        print(f"Profiling {profile.REQUESTS} requests of each page in process (bench/profiles/)")
        for name, (user, path, status) in pages.items():
            if status == 200 and name != "healthz":
                measured_pages[name]["profile"] = profile.profile(name, user, path, status)
    results["idle_tab"] = _idle_tab(measured_pages)
    results["timing"] = {
        "migrate_collectstatic_s": round(prepare_seconds, 1),
        "seed_s": round(seed_seconds, 1),
        "profiles_s": round(time.perf_counter() - profiled_started, 1),
        "pages_s": round(time.perf_counter() - started, 1),
        "requests_per_page": REQUESTS - REQUESTS % CONCURRENCY,
        "concurrency": CONCURRENCY,
        "workers": WORKERS,
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"Idle tab: {json.dumps(results['idle_tab'])}")
    print(_table(measured_pages))
    return results


def _knowledge_search(pages_ran: bool) -> dict:
    """The knowledge base's search in process, on the seeded database (bench/kb_search.py)."""
    if not pages_ran:
        _prepare_database()
        _setup_django()
    from bench import kb_search, seed

    _dataset, personas = seed.seed()  # already there after the pages: only counts
    print("Knowledge search (bench/kb_search.py)")
    measured = kb_search.run(personas)
    print(kb_search.table(measured))
    print(f"Goals met: {measured['goals_met']}")
    return measured


def main():
    """Pages, then jobs (bench/jobs/); BENCH_SKIP_PAGES=1 or BENCH_SKIP_JOBS=1 runs one
    part and keeps the other's results from the last bench/results.json."""
    started = time.perf_counter()
    out = ROOT / "bench" / "results.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    results = {key: previous.get(key, {}) for key in ("dataset", "pages", "jobs", "idle_tab")}
    results["timing"] = previous.get("timing", {})
    results.update({key: value for key, value in previous.items() if key not in results})
    pages_ran = os.environ.get("BENCH_SKIP_PAGES") != "1"
    if pages_ran:
        pages = _pages(started)
        timing = pages.pop("timing")
        results.update(pages)
        results["timing"] = {**results["timing"], **timing}
    if os.environ.get("BENCH_SKIP_KB_SEARCH") != "1":
        kb_started = time.perf_counter()
        results["knowledge_search"] = _knowledge_search(pages_ran)
        results["timing"]["knowledge_search_s"] = round(time.perf_counter() - kb_started, 1)
    if os.environ.get("BENCH_SKIP_JOBS") != "1":
        from bench import jobs

        jobs_started = time.perf_counter()
        print("SLA sweep (bench/jobs/)")
        results["jobs"] = {**results["jobs"], **jobs.run(ENV)}
        results["timing"]["jobs_s"] = round(time.perf_counter() - jobs_started, 1)
    if os.environ.get("BENCH_SKIP_FANOUT") != "1":
        from bench import fanout

        fanout_started = time.perf_counter()
        results["jobs"] = {**results["jobs"], **fanout.run(ENV)}
        results["timing"]["fanout_s"] = round(time.perf_counter() - fanout_started, 1)
    results["timing"]["total_s"] = round(time.perf_counter() - started, 1)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {out} in {results['timing']['total_s']} s")


if __name__ == "__main__":
    main()
