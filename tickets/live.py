"""The live queue: one version number in Redis, bumped after every ticket change commits.

An open queue polls every POLL_SECONDS with the version it shows. While nothing
changed the answer is a 204 given by QueuePollMiddleware before the session or
the user is read: no database query at all, one Redis GET. Once the version
moved, the request goes on to the admin's poll view (tickets/admin/saved_views.py),
which checks the agent as every admin page does and re-renders the page's rows.

The version is bumped from `tickets.signals.ticket_changed`, which every service
sends inside its transaction, on commit: a change rolled back moves nothing,
and a poll never sees a version whose change it cannot read yet. If Redis is
unreachable the version reads as None and every poll re-renders: slower, not wrong.
"""

import contextlib

import redis
from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.http import HttpResponse

from core.redis import client

POLL_SECONDS = 10
POLL_PATH = "/admin/tickets/ticket/queue/poll/"
VERSION_PARAM = "v"
TOKEN_PARAM = "t"  # noqa: S105 (a parameter's name)
_SALT = "tickets.queue.poll"


def _key() -> str:
    # Named after the database: two sites (or test runs) may share one Redis.
    return f"queue:{connection.settings_dict['NAME']}:version"


def version() -> str | None:
    try:
        value = client().get(_key())
    except redis.RedisError:
        return None
    return value.decode() if value is not None else "0"


def bump() -> None:
    with contextlib.suppress(redis.RedisError):
        client().incr(_key())


def on_ticket_changed(sender, **kwargs) -> None:
    transaction.on_commit(bump, robust=True)


def token(user) -> str:
    """Who may hear "nothing changed" without their session being read."""
    return signing.dumps(user.pk, salt=_SALT, compress=True)


def _token_ok(value: str) -> bool:
    try:
        signing.loads(value, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return True


class QueuePollMiddleware:
    """Answers an unchanged queue's poll with 204 before anything reads the database.

    Placed before the session middleware. Only a request carrying a valid token
    (signed for the agent by the queue page) and the version that is still
    current stops here; any other goes on to the view, which authenticates.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == POLL_PATH and request.method == "GET":
            shown = request.GET.get(VERSION_PARAM)
            if shown and _token_ok(request.GET.get(TOKEN_PARAM, "")) and shown == version():
                response = HttpResponse(status=204)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)
