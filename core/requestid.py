"""One id per request, on every log line it causes, in the web process and in its tasks.

RequestIdMiddleware takes the id from an incoming X-Request-ID (set by the
reverse proxy, or by a client retrying) when it looks like an id, else makes
one; it is `request.request_id`, the response's X-Request-ID, and the context
variable that RequestIdFilter puts on each log record. Celery carries it in a
task's headers (before_task_publish) and sets it again around the task
(task_prerun/postrun), so a task enqueued by a request, and the tasks that task
enqueues, log under the same id. config/celery.py connects the signals.
"""

import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

# Letters, digits and a few separators, as proxies and tracing headers make them;
# anything else (spaces, quotes, newlines, a novel) is replaced, never logged.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
HEADER = "request_id"  # in a task message's headers

# {"request_id": ..., "task_id": ..., "task": ...} of what this thread or task serves.
_context: ContextVar[dict | None] = ContextVar("portal_log_context", default=None)
# A task run eagerly inside a request gives the request's context back when it ends.
_task_tokens: dict[str, object] = {}


def current() -> dict:
    return _context.get() or {}


def current_request_id() -> str:
    return current().get("request_id", "")


def new_id() -> str:
    return uuid.uuid4().hex


def sane(value: str | None) -> str | None:
    return value if value and SANE.fullmatch(value) else None


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every later log line of the request carries the id.

    The id stays set until the response is closed (request_finished): Django logs a
    4xx or 5xx answer ("Not Found: /x") after the middleware has returned.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = sane(request.headers.get("X-Request-ID")) or new_id()
        request.request_id = request_id
        _context.set({"request_id": request_id})
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _request_finished(**kwargs):
    _context.set(None)


request_finished.connect(_request_finished, dispatch_uid="core.requestid")


class RequestIdFilter:
    """Adds request_id (and, in a task, task_id and task) to every record; "-" when none."""

    def filter(self, record):
        context = current()
        if not hasattr(record, "request_id"):
            record.request_id = context.get("request_id") or "-"
        for key in ("task_id", "task"):
            if key in context and not hasattr(record, key):
                setattr(record, key, context[key])
        return True


# Celery's signals (connected in config/celery.py).


def on_before_task_publish(headers=None, **kwargs):
    request_id = current_request_id()
    if request_id and headers is not None and HEADER not in headers:
        headers[HEADER] = request_id


def on_task_prerun(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    request_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    _task_tokens[task_id] = _context.set(
        {
            "request_id": sane(request_id) or "",
            "task_id": task_id or "",
            "task": getattr(task, "name", "") or "",
        }
    )


def on_task_postrun(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _context.reset(token)
