"""/readyz: may this process take traffic? (docs/operating.md, "Health").

/healthz (portal.views) answers whether PostgreSQL and Redis are reachable: a
liveness probe. /readyz also says no when the schema is behind the code (a
rollout whose migrate step has not run yet) or when no worker has run a task
lately (beat and the workers are down, or the queue is so far behind that
their heartbeat job waits in it), so an orchestrator keeps such a process out
of rotation, and a deploy stops before sending people to it.
"""

import json
import logging
import socket
import threading
import time

from celery import shared_task
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.redis import client as redis_client

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "portal:ops:worker-heartbeat"

# Loading every app's migrations takes a good part of a second: a process asks
# once a minute at most. "Pending" is asked again sooner, so that a process that
# started before the release's migrate becomes ready soon after it.
MIGRATIONS_OK_TTL = 60.0
MIGRATIONS_PENDING_TTL = 5.0
_migrations_lock = threading.Lock()
_migrations_cache: tuple[float, str] | None = None


def forget_migrations_check() -> None:
    """Drop this process's cached migration answer (tests; after a migrate in-process)."""
    global _migrations_cache
    with _migrations_lock:
        _migrations_cache = None


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis() -> str:
    redis_client().ping()
    return "ok"


def _migrations() -> str:
    global _migrations_cache
    now = time.monotonic()
    with _migrations_lock:
        cached = _migrations_cache
    if cached is not None and now < cached[0]:
        return cached[1]
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result = "pending" if plan else "ok"
    ttl = MIGRATIONS_PENDING_TTL if plan else MIGRATIONS_OK_TTL
    with _migrations_lock:
        _migrations_cache = (now + ttl, result)
    return result


def _worker() -> str:
    raw = redis_client().get(HEARTBEAT_KEY)
    if raw is None:
        return "missing"
    age = time.time() - json.loads(raw)["at"]
    return "ok" if age <= settings.READYZ_WORKER_MAX_AGE_SECONDS else "stale"


def readiness() -> dict[str, str]:
    """{check: "ok" | what is wrong}; a check that needs a failed one is "unknown"."""
    results: dict[str, str] = {}
    checks = [
        ("database", _database, ()),
        ("redis", _redis, ()),
        ("migrations", _migrations, ("database",)),
    ]
    if settings.READYZ_WORKER_MAX_AGE_SECONDS > 0:
        checks.append(("worker", _worker, ("redis",)))
    for name, check, needs in checks:
        if any(results[need] != "ok" for need in needs):
            results[name] = "unknown"
            continue
        try:
            results[name] = check()
        except Exception as exc:  # any failure means "not ready", whatever its kind
            log.warning("readyz: %s failed: %s", name, exc)
            results[name] = "unavailable"
    return results


@never_cache
@require_GET
def readyz(request):
    """200 {"database": "ok", ...} when every check passes; 503 naming those that did not."""
    results = readiness()
    failing = [name for name, result in results.items() if result != "ok"]
    body: dict = dict(results)
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@shared_task(ignore_result=True)
def heartbeat():
    """Run by a worker every WORKER_HEARTBEAT_SECONDS (portal/tasks.py's BEAT)."""
    value = {"at": time.time(), "hostname": heartbeat.request.hostname or socket.gethostname()}
    # Kept a while past the limit, so that /readyz can say "stale" rather than "missing".
    ttl = max(int(settings.READYZ_WORKER_MAX_AGE_SECONDS) * 4, 60)
    redis_client().set(HEARTBEAT_KEY, json.dumps(value), ex=ttl)
