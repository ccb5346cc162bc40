"""The portal's own 404 page in development too.

With DEBUG on, Django answers a 404 with its technical page, which lists every
URL pattern. `make run` runs with DEBUG on (tracebacks, static files), and a
newcomer trying the demo as a client would see that page for a missing ticket
or one outside their scope. So every 404 gets the portal's page, as in
production, unless DEBUG_TECHNICAL_404 asks for Django's (to debug routing).
With DEBUG off Django already does this and the middleware only passes through.
"""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_resolver


def _portal_404(request, exception):
    resolver = get_resolver(getattr(request, "urlconf", None))
    return resolver.resolve_error_handler(404)(request, exception)


def _wanted() -> bool:
    return settings.DEBUG and not settings.DEBUG_TECHNICAL_404


class Portal404Middleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and _wanted():
            # A URL matching no pattern never reaches process_exception.
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exception:
                return _portal_404(request, exception)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and _wanted():
            return _portal_404(request, exception)
        return None
