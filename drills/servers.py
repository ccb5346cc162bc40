"""Real servers a drill starts, stops and breaks on its own ports: Redis, PostgreSQL, gunicorn.

Never the shared PostgreSQL or Redis of the machine: each drill that stops a
service runs its own instance on a free port, under a temporary directory.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import requests

from bench.fake_smtp import free_port
from tests.e2e.worker import PROJECT_DIR, wait_until

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class _Output:
    """Keep a subprocess's output in memory, read by a thread."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process):
        for line in process.stdout:
            self.lines.append(line)

    def tail(self, n: int = 60) -> str:
        return "".join(self.lines[-n:])


class RedisServer:
    """redis-server on a free port with an append-only file, so a restart keeps the queue."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="drill-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = _Output(self.process)
        if not wait_until(lambda: "Ready to accept connections" in self.output.tail(), 10):
            raise RuntimeError(f"redis-server did not start:\n{self.output.tail()}")
        return self

    def kill(self) -> None:
        """SIGKILL: what a crash or an OOM kill does (the AOF keeps all but the last second)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses root: run PostgreSQL's tools as the postgres user when we are root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb) on a free port, trust authentication."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 (our own command line)
            _as_postgres(list(args)), capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(int(timeout)),
            *args,
            timeout=timeout + 5,
        )

    def init(self) -> "PostgresCluster":
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
            "-c fsync=off -c max_connections=50"
        )
        self.ctl("-o", options, "start")
        return self

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, the server comes back."""
        self.ctl("-m", "fast", "restart")

    def createdb(self, name: str) -> None:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.ctl("-m", "immediate", "stop", timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)


class WebServer:
    """gunicorn serving the portal on a free port with the environment given."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "WebServer":
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                GUNICORN,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = _Output(self.process)

        def up():
            if self.process.poll() is not None:
                return True
            try:
                return requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        if not wait_until(up, timeout, interval=0.5) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.output.tail()}")
        return self

    def pids(self) -> set[int]:
        """The master and its workers: the same set after a fault means nothing was restarted."""
        result = subprocess.run(  # noqa: S603 (our own command line)
            ["/usr/bin/pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return {self.process.pid, *(int(p) for p in result.stdout.split())}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def web_env(**overrides) -> dict[str, str]:
    """The environment of a production-like web process on plain HTTP, for a drill."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECOND_FACTOR_REQUIRED_FOR_STAFF="false",
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def session_for(user, base_url: str) -> requests.Session:
    """A requests session logged in as `user` (a database session, as the portal keeps them)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    session.headers["Referer"] = base_url + "/"
    return session


def csrf(session: requests.Session, base_url: str, path: str) -> str:
    """The CSRF token, from the cookie a GET of `path` sets (or set before)."""
    from django.conf import settings

    token = session.cookies.get(settings.CSRF_COOKIE_NAME)
    if token:
        return token
    session.get(base_url + path, timeout=30)
    return session.cookies.get(settings.CSRF_COOKIE_NAME, "")
