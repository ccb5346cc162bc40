"""Server CPU spent during a load, from Linux /proc: what a request costs the machine.

Latency on a shared two-core machine moves with whatever else runs on it; CPU time
charged to the server's own processes does much less. `CpuMeter` samples, every
SAMPLE_SECONDS, the gunicorn workers (children of the master) and the PostgreSQL
processes serving this database (client backends, and the parallel workers they
start), remembering each process's last value, so connections that close or open
during the load still count. Short-lived parallel workers are only partly seen.
Elsewhere than Linux every figure is None.
"""

import os
import threading

SAMPLE_SECONDS = 0.05
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # Fields after "(command)": state is the 3rd field, so field n is at n - 3.
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _cpu_ticks(pid) -> int | None:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else None  # utime + stime


def _children(pid) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


def _title(pid) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


class CpuMeter:
    """with CpuMeter(gunicorn_pid, db_name, own_backend_pid) as meter: ...; meter.result()"""

    def __init__(self, gunicorn_pid: int, db_name: str, own_backend_pid: int):
        self.gunicorn_pid = gunicorn_pid
        self.db_marker = f" {db_name} "
        self.own_backend = own_backend_pid
        stat = _stat(own_backend_pid)
        self.postmaster = int(stat[1]) if stat else None
        self.usable = stat is not None and bool(_children(gunicorn_pid))
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self):
        yield from (("app", pid) for pid in _children(self.gunicorn_pid))
        if self.postmaster is None:
            return
        backends, parallel = set(), {}
        for pid in _children(self.postmaster):
            title = _title(pid)
            if self.db_marker in title and pid != self.own_backend:
                backends.add(pid)
            elif "parallel worker for PID" in title:
                parallel[pid] = int(title.split("parallel worker for PID", 1)[1].split()[0])
        yield from (("db", pid) for pid in backends)
        yield from (("db", pid) for pid, leader in parallel.items() if leader in backends)

    def _sample(self, into_first=False):
        for key in self._processes():
            ticks = _cpu_ticks(key[1])
            if ticks is None:
                continue
            if into_first:
                self.first[key] = ticks
            self.last[key] = max(ticks, self.last.get(key, 0))

    def _run(self):
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def __enter__(self):
        if self.usable:
            self._sample(into_first=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self.usable:
            self._stop.set()
            self._thread.join()
            self._sample()

    def result(self) -> dict[str, float | None]:
        """CPU seconds in the gunicorn workers ("app") and in PostgreSQL ("db")."""
        if not self.usable:
            return {"app": None, "db": None}
        totals = {"app": 0, "db": 0}
        for key, ticks in self.last.items():
            # A process born during the load started from zero.
            totals[key[0]] += ticks - self.first.get(key, 0)
        return {kind: ticks / TICKS for kind, ticks in totals.items()}
