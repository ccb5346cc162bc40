"""A local fake of the Telegram Bot API that speaks its real HTTP protocol.

python-telegram-bot is pointed at it by base_url (settings.TELEGRAM_API_URL =
`fake.base_url`), so the code under test runs unchanged: requests are
`POST /bot<token>/<method>` with form-urlencoded or JSON bodies (a query string
works too), answers are `{"ok": true, "result": ...}` or the error bodies
Telegram sends, with the same HTTP status codes (PTB maps errors by status).

It answers getMe, sendMessage (a real Message shape, after checking the HTML
the way Telegram does), getUpdates (queued updates, offset confirmation, long
polling), setWebhook, deleteWebhook and getWebhookInfo; it records every
sendMessage; and it can be told to answer the next sendMessage calls to a chat
with 429 + retry_after or 403 "bot was blocked by the user".

    with FakeTelegram() as telegram:
        settings.TELEGRAM_API_URL = telegram.base_url
        settings.TELEGRAM_BOT_TOKEN = telegram.token
        ...
        telegram.rate_limit(chat_id, retry_after=1)   # the next send to it gets 429
        telegram.block(chat_id)                       # every send to it gets 403
        assert [m["text"] for m in telegram.messages(chat_id)] == [...]

`python -m bench.fake_telegram --port 8081` serves one until Ctrl-C.
"""

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TOKEN = "123456789:AAFakeTokenForTests_0123456789abcdefgh"  # noqa: S105 (a fake)
BOT = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Support portal",
    "username": "portal_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TEXT = 4096
MAX_LONG_POLL = 50  # seconds; Telegram's own cap on getUpdates' timeout

# Error bodies as Telegram sends them (description, HTTP status).
BLOCKED = (HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
WEBHOOK_ACTIVE = (
    HTTPStatus.CONFLICT,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
# Tags Telegram's HTML parse mode accepts.
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"}
HTML_TAGS |= {"a", "tg-emoji", "code", "pre", "blockquote"}
HTML_ENTITIES = {"lt", "gt", "amp", "quot"}


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = int(status)
        self.description = description
        self.parameters = parameters


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None
    times: int | None = 1  # None: until cleared

    def body(self) -> ApiError:
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, self.description, parameters)


class _HtmlText(HTMLParser):
    """Check text in HTML parse mode as Telegram does and return what the user reads."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in HTML_TAGS:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"',
            )
        if tag == "a" and not dict(attrs).get("href"):
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: can't parse entities: bad link")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"',
            )
        self.open.pop()

    def handle_data(self, data):
        if "<" in data or ">" in data:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "Bad Request: can't parse entities: unescaped < or > in the text",
            )
        self.parts.append(data)

    def handle_entityref(self, name):
        if name not in HTML_ENTITIES:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                f'Bad Request: can\'t parse entities: Unsupported HTML entity "&{name};"',
            )
        self.parts.append(unescape(f"&{name};"))

    def handle_charref(self, name):
        self.parts.append(unescape(f"&#{name};"))

    @classmethod
    def text_of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        if parser.open:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "Bad Request: can't parse entities: Can't find end tag corresponding to "
                f'start tag "{parser.open[-1]}"',
            )
        return "".join(parser.parts)


def message_update(
    update_id: int | None,
    chat_id: int,
    text: str,
    *,
    username: str | None = "ana_r",
    first_name: str = "Ana",
    last_name: str | None = "Ruiz",
    language_code: str | None = "es",
    chat_type: str = "private",
    message_id: int = 3,
) -> dict:
    """An Update carrying a text message, shaped like a real getUpdates item."""
    sender = {"id": chat_id, "is_bot": False, "first_name": first_name}
    if last_name:
        sender["last_name"] = last_name
    if username:
        sender["username"] = username
    if chat_type == "private":
        # A private chat's id is the user's id; it carries the user's names.
        names = {k: sender[k] for k in ("first_name", "last_name", "username") if k in sender}
        chat = {"id": chat_id, **names, "type": "private"}
    else:
        chat = {"id": -1000000000000 - chat_id, "title": "A group", "type": chat_type}
    if language_code:
        sender["language_code"] = language_code
    message = {
        "message_id": message_id,
        "from": sender,
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(" ", 1)[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    update = {"message": message}
    if update_id is not None:
        update["update_id"] = update_id
    return update


def my_chat_member_update(update_id: int | None, chat_id: int, status: str) -> dict:
    """The update a private chat sends when the user blocks ("kicked") or unblocks ("member")."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Ana", "language_code": "es"}
    bot = {key: BOT[key] for key in ("id", "is_bot", "first_name", "username")}
    old = "member" if status == "kicked" else "kicked"
    update = {
        "my_chat_member": {
            "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"user": bot, "status": old, **_until(old)},
            "new_chat_member": {"user": bot, "status": status, **_until(status)},
        }
    }
    if update_id is not None:
        update["update_id"] = update_id
    return update


def _until(status):
    return {"until_date": 0} if status == "kicked" else {}


class FakeTelegram:
    """One fake Bot API server on 127.0.0.1 and a free port, for one bot token."""

    def __init__(self, token: str = TOKEN, host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self._host, self._port = host, port
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(500_000_001)
        self._failures: dict[str, list[_Failure]] = {}
        self.updates: list[dict] = []
        self.calls: list[tuple[str, dict]] = []  # every request: (method, params)
        self.attempts: list[dict] = []  # every sendMessage, with the status answered
        self.sent: list[dict] = []  # the sendMessage calls that were delivered
        self.webhook: dict = {"url": ""}

    # Lifecycle

    def start(self) -> "FakeTelegram":
        self._server = ThreadingHTTPServer((self._host, self._port), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            # A short poll interval: stop() waits for it, once per test.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeTelegram":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What PTB's `base_url` (settings.TELEGRAM_API_URL) should be: it appends the token."""
        return f"{self.url}/bot"

    # What tests tell it

    def rate_limit(self, chat_id: int, *, retry_after: int = 5, times: int = 1) -> None:
        """Answer the next `times` sendMessage calls to `chat_id` with 429 Too Many Requests."""
        self._add_failure(
            chat_id,
            _Failure(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
                times=times,
            ),
        )

    def block(self, chat_id: int, *, times: int | None = None) -> None:
        """The user blocked the bot: sendMessage to `chat_id` answers 403 (until `unblock`)."""
        self._add_failure(chat_id, _Failure(*BLOCKED, times=times))

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._failures.pop(str(chat_id), None)

    def _add_failure(self, chat_id, failure: _Failure) -> None:
        with self._lock:
            self._failures.setdefault(str(chat_id), []).append(failure)

    def reset(self) -> None:
        """Forget what was sent, queued and configured (between tests sharing one server)."""
        with self._lock:
            self._failures.clear()
            self.updates, self.calls, self.attempts, self.sent = [], [], [], []
            self.webhook = {"url": ""}

    def push_update(self, update: dict) -> dict:
        """Queue an update for getUpdates (an update_id is given if it has none)."""
        with self._lock:
            update = dict(update)
            update.setdefault("update_id", next(self._update_ids))
            self.updates.append(update)
            self._lock.notify_all()
        return update

    # What tests read

    def messages(self, chat_id: int | None = None) -> list[dict]:
        """Delivered messages (oldest first), to one chat or all."""
        with self._lock:
            return [m for m in self.sent if chat_id is None or m["chat_id"] == chat_id]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.messages(chat_id)]

    def wait_for_messages(self, count: int, chat_id: int | None = None, timeout: float = 10):
        """Block until `count` messages were delivered (to `chat_id`); return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.sent if chat_id is None or m["chat_id"] == chat_id]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    return found
                self._lock.wait(remaining)

    def pending_updates(self) -> list[dict]:
        with self._lock:
            return list(self.updates)

    # The API

    def call(self, token: str, method: str, params: dict) -> object:
        if token != self.token:
            raise ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
        with self._lock:
            self.calls.append((method, params))
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
        return handler(params)

    def api_getme(self, params):
        return dict(BOT)

    def api_logout(self, params):
        return True

    def api_close(self, params):
        return True

    def api_sendmessage(self, params):
        chat_id = _chat_id(params.get("chat_id"))
        raw = params.get("text")
        if raw is None or raw == "":
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode") or ""
        text = _HtmlText.text_of(raw) if parse_mode.upper() == "HTML" else raw
        if not text.strip():
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message is too long")
        with self._lock:
            failure = self._take_failure(chat_id)
            attempt = {
                "chat_id": chat_id,
                "text": text,
                "html": raw,
                "params": params,
                "at": time.monotonic(),
            }
            if failure is not None:
                self.attempts.append({**attempt, "status": int(failure.status)})
                self._lock.notify_all()
                raise failure.body()
            message_id = next(self._message_ids)
            self.attempts.append({**attempt, "status": 200})
            self.sent.append({**attempt, "message_id": message_id})
            self._lock.notify_all()
        chat = {"id": chat_id, "type": "private", "first_name": "Ana"}
        if isinstance(chat_id, str):
            chat = {"id": -1001234567890, "type": "channel", "title": chat_id}
        return {
            "message_id": message_id,
            "from": {key: BOT[key] for key in ("id", "is_bot", "first_name", "username")},
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }

    def _take_failure(self, chat_id) -> _Failure | None:
        queue = self._failures.get(str(chat_id))
        if not queue:
            return None
        failure = queue[0]
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
        return failure

    def api_getupdates(self, params):
        offset = _int(params.get("offset"), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        timeout = min(max(_float(params.get("timeout"), 0), 0), MAX_LONG_POLL)
        deadline = time.monotonic() + timeout
        with self._lock:
            if self.webhook["url"]:
                raise ApiError(*WEBHOOK_ACTIVE)
            if offset > 0:
                # Confirmed: Telegram forgets every update before the offset.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while True:
                if offset < 0:
                    found = self.updates[offset:]
                else:
                    found = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if found or remaining <= 0 or self._closing:
                    return found[:limit]
                self._lock.wait(remaining)

    def api_setwebhook(self, params):
        url = params.get("url", "")
        secret = params.get("secret_token")
        if secret is not None and not _valid_secret(secret):
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "Bad Request: secret token contains unallowed characters"
            )
        with self._lock:
            if not url:
                self.webhook = {"url": ""}
                return True
            if not url.startswith("https://"):
                raise ApiError(
                    HTTPStatus.BAD_REQUEST,
                    "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
                )
            self.webhook = {"url": url, "secret_token": secret, "params": params}
            if _truthy(params.get("drop_pending_updates")):
                self.updates = []
            self._lock.notify_all()
        return True

    def api_deletewebhook(self, params):
        with self._lock:
            self.webhook = {"url": ""}
            if _truthy(params.get("drop_pending_updates")):
                self.updates = []
        return True

    def api_getwebhookinfo(self, params):
        with self._lock:
            return {
                "url": self.webhook["url"],
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }

    # HTTP

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Keep-alive with headers and body written apart: without this, Nagle
            # and the client's delayed ACK add 40 ms to every answer.
            disable_nagle_algorithm = True
            server_version = "nginx/1.18.0"
            sys_version = ""

            def do_GET(self):
                self._answer()

            def do_POST(self):
                self._answer()

            def log_message(self, format, *args):
                pass

            def _answer(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    token, method = _route(parts.path)
                    params = dict(parse_qsl(parts.query, keep_blank_values=True))
                    params.update(_body_params(self.headers.get("Content-Type", ""), body))
                    reply = {"ok": True, "result": fake.call(token, method, params)}
                    status = HTTPStatus.OK
                except ApiError as error:
                    reply = {
                        "ok": False,
                        "error_code": error.status,
                        "description": error.description,
                    }
                    if error.parameters:
                        reply["parameters"] = error.parameters
                    status = error.status
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _route(path: str) -> tuple[str, str]:
    # /bot<token>/<method>
    prefix, _, method = path.lstrip("/").partition("/")
    if not prefix.startswith("bot") or not method or "/" in method:
        raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
    return prefix[3:], method


def _body_params(content_type: str, body: bytes) -> dict:
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            return data
        if kind in ("application/x-www-form-urlencoded", ""):
            return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: can't parse request: {exc}") from exc
    raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: unsupported content type (no files here)")


def _chat_id(value):
    if value is None or value == "":
        raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat_id is empty")
    if isinstance(value, int):
        return value
    text = str(value)
    if text.lstrip("-").isdigit():
        return int(text)
    if text.startswith("@"):
        return text
    raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat not found")


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _valid_secret(secret: str) -> bool:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    return 1 <= len(secret) <= 256 and set(secret) <= allowed


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    with FakeTelegram(token=args.token, port=args.port) as fake:
        print(f"TELEGRAM_API_URL={fake.base_url}\nTELEGRAM_BOT_TOKEN={fake.token}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
