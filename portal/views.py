import logging
import sys

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import plugins

log = logging.getLogger(__name__)


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:dashboard")


@login_required
def dashboard(request):
    if request.user.is_staff:
        return redirect("admin:index")
    organisation = request.access.active
    panels = plugins.panels(request, organisation)
    return render(
        request,
        "portal/dashboard.html",
        {
            "organisation": organisation,
            **{
                column: [p for p in panels if p.widget.column == column]
                for column in ("top", "main", "side")
            },
        },
    )


def _check_postgres():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def healthz(request):
    """200 when PostgreSQL and Redis answer; 503 naming the ones that do not."""
    checks = {"postgres": _check_postgres, "redis": _check_redis}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "not healthy", whatever its kind
            log.warning("healthz: %s failed: %s", name, exc)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    body = {"status": "ok" if not failing else "unavailable", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return redirect(static("img/favicon.svg"), permanent=True)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403.html",
        {
            "message": _(
                "Your session has expired or the form was out of date. "
                "Go back, reload the page and try again."
            )
        },
        status=403,
    )


# PostgreSQL restarting or failing over: the request could not be served, but
# nothing is broken in the application, and trying again shortly will work.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """500 in the portal's look, without anything that could fail again.

    Django calls this while handling the exception, from a view or a
    middleware, so a lost database connection can answer 503 instead.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        template = loader.get_template("503.html")
        response = HttpResponse(template.render({}), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_path": request.path}))
