"""`make bench` jobs: notification fan-out, 10,000 events through to delivered messages.

On a database of its own (BENCH_FANOUT_DB) and a Redis database of its own
(BENCH_FANOUT_REDIS_URL): one organisation with USERS clients, each linked to
Telegram, and EVENTS tickets, one per event. The events are `ticket_resolved`
by an agent, which by default reach the requester in the portal, by e-mail
and on Telegram: three notifications per event, two of them sent outside.

They are written as the SLA sweep writes its batches (`record_events`, BATCH a
transaction, one broker message each) and then everything runs as in
production: real Celery workers (prefork, WORKERS processes) dispatch the
events, fan them out and send through Django's SMTP backend to a real SMTP
server on loopback (bench/fake_smtp.py) and through python-telegram-bot to a
fake Bot API (bench/fake_telegram.py), both in this process.

Timed from the first commit until the SMTP server holds one message and the
Bot API one sendMessage per event and every row says `sent`. Reported under
"jobs": events per second, messages per second, and the delay from an event
to its message being sent (p50, p95, from the rows' timestamps).

Run by bench/run.py; `python -m bench.fanout DB OUT.json` is the child it starts.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FANOUT_DB = os.environ.get("BENCH_FANOUT_DB", "portal_bench_fanout")
FANOUT_REDIS_URL = os.environ.get("BENCH_FANOUT_REDIS_URL", "redis://127.0.0.1:6379/8")
EVENTS = int(os.environ.get("BENCH_FANOUT_EVENTS", "10000"))
USERS = 200
BATCH = 500
WORKERS = int(os.environ.get("BENCH_FANOUT_WORKERS", "2"))
TIMEOUT_S = float(os.environ.get("BENCH_FANOUT_TIMEOUT", "1200"))
SLUG = "fanout-bench"
CHAT_BASE = 700_000_000


def seed():
    """The organisation, its clients linked to Telegram, an agent, and EVENTS fresh tickets."""
    from django.db import transaction

    from accounts.models import Membership, Organisation, Role, User
    from activity.models import Event
    from notifications.models import Notification, TelegramLink
    from tickets.models import Ticket

    org, _ = Organisation.objects.get_or_create(
        slug=SLUG,
        defaults={"name": "Fan-out bench", "country": "CL", "timezone": "America/Santiago"},
    )
    with transaction.atomic():
        Notification.objects.filter(event__organisation=org).delete()
        Event.objects.filter(organisation=org).delete()
        Ticket.objects.filter(organisation=org).delete()
    agent, _ = User.objects.get_or_create(
        email="agent@fanout.bench", defaults={"display_name": "Bench Agent", "is_staff": True}
    )
    clients = []
    languages = ["es", "en", "pt", "fr"]
    for n in range(USERS):
        user, _ = User.objects.get_or_create(
            email=f"client{n}@fanout.bench",
            defaults={"display_name": f"Client {n}", "language": languages[n % 4]},
        )
        Membership.objects.get_or_create(
            user=user, organisation=org, defaults={"role": Role.MEMBER}
        )
        TelegramLink.objects.update_or_create(
            user=user, defaults={"chat_id": CHAT_BASE + n, "is_active": True}
        )
        clients.append(user)
    Ticket.objects.bulk_create(
        [
            Ticket(
                organisation=org,
                number=f"FAN-{n:07d}",
                subject=f"Bench ticket {n}",
                description="Fan-out benchmark.",
                requester=clients[n % USERS],
                status="resolved",
            )
            for n in range(EVENTS)
        ],
        batch_size=2000,
    )
    return org, agent, list(Ticket.objects.filter(organisation=org).order_by("number"))


def record(org, agent, tickets) -> float:
    """Write the events in batches; return when the first batch committed."""
    from django.db import transaction

    from activity.services import record_events

    first_commit = None
    for start in range(0, len(tickets), BATCH):
        with transaction.atomic():
            record_events(
                [
                    {
                        "organisation": org,
                        "actor": agent,
                        "verb": "ticket_resolved",
                        "target": ticket,
                        "data": {
                            "number": ticket.number,
                            "subject": ticket.subject,
                            "status": "resolved",
                        },
                    }
                    for ticket in tickets[start : start + BATCH]
                ]
            )
        if first_commit is None:
            first_commit = time.perf_counter()
    return first_commit


def start_workers(env) -> subprocess.Popen:
    celery = str(Path(sys.executable).with_name("celery"))
    subprocess.run(
        [celery, "-A", "config", "purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return subprocess.Popen(
        [
            celery,
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(WORKERS),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def wait_ready(env, timeout: float = 60) -> None:
    """Until a worker answers a ping: the clock starts with workers ready, as in production."""
    celery = str(Path(sys.executable).with_name("celery"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ping = subprocess.run(
            [celery, "-A", "config", "inspect", "ping", "--timeout", "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=False,
        )
        if ping.returncode == 0:
            return
    raise SystemExit("bench.fanout: no worker answered")


def stop_workers(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def delays(org) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.channel,
                   count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY n.sent_at - e.created_at),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY n.sent_at - e.created_at)
            FROM notifications_notification n
            JOIN activity_event e ON e.id = n.event_id
            WHERE e.organisation_id = %s AND n.status = 'sent' AND n.channel <> 'portal'
            GROUP BY n.channel
            """,
            [org.pk],
        )
        return {
            channel: {
                "sent": count,
                "p50_s": round(p50.total_seconds(), 2),
                "p95_s": round(p95.total_seconds(), 2),
            }
            for channel, count, p50, p95 in cursor.fetchall()
        }


def child(out: str) -> None:
    from bench.fake_smtp import FakeSMTP
    from bench.fake_telegram import FakeTelegram
    from notifications.models import Notification

    with FakeSMTP() as smtp, FakeTelegram() as telegram:
        env = {
            **os.environ,
            "EMAIL_URL": smtp.url,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.base_url,
        }
        org, agent, tickets = seed()
        workers = start_workers(env)
        try:
            wait_ready(env)
            started = time.perf_counter()
            first_commit = record(org, agent, tickets)
            written = time.perf_counter()
            deadline = started + TIMEOUT_S
            while time.perf_counter() < deadline:
                if len(smtp.messages) >= EVENTS and len(telegram.sent) >= EVENTS:
                    break
                time.sleep(0.25)
            delivered = time.perf_counter()
            rows = Notification.objects.filter(event__organisation=org)
            unsent = rows.exclude(status="sent").count()
        finally:
            stop_workers(workers)
        elapsed = delivered - first_commit
        emails, messages = len(smtp.messages), len(telegram.sent)
        result = {
            "events": EVENTS,
            "workers": WORKERS,
            "write_s": round(written - started, 2),
            "elapsed_s": round(elapsed, 2),
            "events_per_s": round(EVENTS / elapsed, 1),
            "messages_per_s": round((emails + messages) / elapsed, 1),
            "emails_received": emails,
            "telegram_received": messages,
            "notifications": rows.count(),
            "unsent": unsent,
            "delay": delays(org),
            "complete": emails == EVENTS and messages == EVENTS and unsent == 0,
        }
    Path(out).write_text(json.dumps(result, indent=2))


# -- in bench/run.py's process ------------------------------------------------------


def run(base_env: dict) -> dict:
    from bench.jobs import _prepare

    env = {
        **base_env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{FANOUT_DB}",
        "REDIS_URL": FANOUT_REDIS_URL,
        "CELERY_BROKER_URL": FANOUT_REDIS_URL,
        "LOG_LEVEL": "WARNING",
    }
    print(f"Notification fan-out: {EVENTS} events (bench/fanout.py)")
    load_before = [round(x, 2) for x in os.getloadavg()]
    _prepare(FANOUT_DB, env)
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        subprocess.run(
            [sys.executable, "-m", "bench.fanout", FANOUT_DB, out.name],
            cwd=ROOT,
            env=env,
            check=True,
        )
        detail = json.load(out)
    detail["load_average_before"] = load_before
    print(f"  {json.dumps({k: v for k, v in detail.items() if k != 'delay'})}")
    print(f"  delay event -> sent: {json.dumps(detail['delay'])}")
    return {
        "fanout_events": detail["events"],
        "fanout_events_per_s": detail["events_per_s"],
        "fanout_messages_per_s": detail["messages_per_s"],
        "fanout_complete": detail["complete"],
        "fanout": detail,
    }


def _child_main(database, out):
    # Stopped from outside (Ctrl-C, a timeout): still stop the workers in `child`'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if name != database:
        raise SystemExit(f"bench.fanout: connected to {name}, expected {database}")
    child(out)


if __name__ == "__main__":
    _child_main(sys.argv[1], sys.argv[2])
