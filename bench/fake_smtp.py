"""A real SMTP server on loopback that keeps what it receives: aiosmtpd in a thread.

For tests and `make bench`, in place of a relay. It speaks real SMTP on
127.0.0.1, so the code under test goes through Django's SMTP backend and
smtplib exactly as in production:

    with FakeSMTP() as smtp:                 # a free port, chosen once
        ...EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}"...
        smtp.wait_for(1)                     # the parsed messages received so far
        smtp.stop()                          # SMTP down: connections are refused
        smtp.start()                         # back, on the same port

Failure modes a test can switch on:

- `refuse(address, reply)`: answer RCPT TO for that address with `reply`
  ("550 ..." a bad mailbox, "450 ..." greylisting).
- `refuse_data(reply)`: answer every DATA with `reply` ("554 ..." rejected as
  spam, "451 ..." try later); `refuse_data(None)` accepts again.
- `slow(seconds, recipients=None)`: hold the DATA command that long before
  answering it, for every message or only those to `recipients`. A message
  counts as accepted only once the 250 reply is due: if the client goes away
  meanwhile (a worker killed mid-send), the message is dropped, as a real
  relay drops a transaction that never completed. `holding` lists the
  recipients of the DATA commands being held right now.

Run alone (`python -m bench.fake_smtp --port 1025`) it prints one line per
message until interrupted.
"""

import argparse
import asyncio
import contextlib
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One accepted message: parsed, with its envelope."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes = field(repr=False)
    received_at: float = 0.0

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def __getitem__(self, header: str):
        return self.message[header]


class _Handler:
    """aiosmtpd hooks; runs on the server's event loop thread."""

    def __init__(self, owner: "FakeSMTP"):
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.owner._refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.owner._data_reply:
            return self.owner._data_reply
        delay = self.owner._delay_for(envelope.rcpt_tos)
        if delay:
            token = object()
            self.owner._hold(token, envelope.rcpt_tos)
            try:
                # Cancelled by aiosmtpd when the client's connection is lost.
                await asyncio.sleep(delay)
            finally:
                self.owner._release(token)
            if server.transport is None or server.transport.is_closing():
                return "451 4.3.0 The client went away"
        self.owner._store(envelope)
        return "250 2.0.0 Message accepted for delivery"


class FakeSMTP:
    """Start and stop a loopback SMTP server on one port; keep every accepted message."""

    def __init__(self, host: str = HOST, port: int = 0):
        self.host = host
        self.port = port or free_port(host)
        self._controller: Controller | None = None
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self._refused: dict[str, str] = {}
        self._data_reply: str | None = None
        self._slow_seconds = 0.0
        self._slow_for: set[str] | None = None
        self._holding: dict[object, tuple[str, ...]] = {}

    # Lifecycle

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def url(self) -> str:
        """The EMAIL_URL that points Django at this server."""
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> "FakeSMTP":
        if self._controller is not None:
            return self
        # A Controller's loop is closed when it stops: each start takes a new one.
        controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            ready_timeout=10.0,
            server_hostname="fake-smtp.test",
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        """Close the port: new connections are refused until `start()`."""
        if self._controller is None:
            return
        controller, self._controller = self._controller, None
        controller.stop()
        with self._lock:
            self._holding.clear()

    def __enter__(self) -> "FakeSMTP":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Failure modes

    def refuse(self, address: str, reply: str = "550 5.1.1 No such mailbox here") -> None:
        with self._lock:
            self._refused[address.lower()] = reply

    def refuse_data(self, reply: str | None = "554 5.7.1 Message rejected") -> None:
        with self._lock:
            self._data_reply = reply

    def slow(self, seconds: float, recipients: Iterable[str] | None = None) -> None:
        """Hold DATA `seconds` before answering (only for `recipients`, if given)."""
        with self._lock:
            self._slow_seconds = seconds
            self._slow_for = {r.lower() for r in recipients} if recipients is not None else None

    def fast(self) -> None:
        self.slow(0)

    def reset(self) -> None:
        """Forget the messages and every failure mode."""
        with self._lock:
            self._messages.clear()
            self._refused.clear()
            self._data_reply = None
            self._slow_seconds, self._slow_for = 0.0, None

    # What arrived

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    @property
    def holding(self) -> list[tuple[str, ...]]:
        """Recipients of each DATA command held right now by slow mode."""
        with self._lock:
            return list(self._holding.values())

    def to(self, address: str) -> list[Received]:
        address = address.lower()
        return [m for m in self.messages if address in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 10.0, interval: float = 0.05) -> list:
        """The messages once there are at least `count` of them (or what arrived by `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages
            if len(messages) >= count or time.monotonic() >= deadline:
                return messages
            time.sleep(interval)

    # Called by the handler on the server's thread

    def _delay_for(self, rcpt_tos) -> float:
        with self._lock:
            if not self._slow_seconds:
                return 0.0
            if self._slow_for is None or any(r.lower() in self._slow_for for r in rcpt_tos):
                return self._slow_seconds
            return 0.0

    def _hold(self, token, rcpt_tos) -> None:
        with self._lock:
            self._holding[token] = tuple(rcpt_tos)

    def _release(self, token) -> None:
        with self._lock:
            self._holding.pop(token, None)

    def _store(self, envelope) -> None:
        raw = envelope.original_content or b""
        received = Received(
            message=email.message_from_bytes(raw, policy=email.policy.default),
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            received_at=time.time(),
        )
        with self._lock:
            self._messages.append(received)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args()
    with FakeSMTP(args.host, args.port) as smtp:
        print(f"listening on {smtp.url}", flush=True)
        seen = 0
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                messages = smtp.wait_for(seen + 1, timeout=1.0)
                for received in messages[seen:]:
                    print(f"{', '.join(received.rcpt_tos)}: {received['Subject']}", flush=True)
                seen = len(messages)


if __name__ == "__main__":
    main()
