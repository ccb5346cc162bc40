"""The request being served, for audit rows recorded by code that is not handed it.

A service such as accounts.services.membership_change_role takes the person who
acts but not the request; its audit row still says from where. The middleware
below keeps the request in a context variable for the length of the response,
and audit.services.record reads it when no request is passed. Outside a request
(a Celery task, the shell, the demo) there is none and the row has no address.
"""

from contextvars import ContextVar

_current = ContextVar("audit_request", default=None)


def current_request():
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
