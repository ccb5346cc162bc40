"""Security headers on every kind of answer the portal gives.

One request per page type (public pages, portal pages, htmx fragments, files
and exports, error pages, the admin, the health probe), each checked for the
same headers: a CSP with no inline or eval'd script that no other site may
frame, X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy and
Cross-Origin-Opener-Policy. Stored files carry their own, stricter CSP (a
sandbox with nothing allowed but their own images and styles). With DEBUG off
(a subprocess with the production settings), HSTS and Secure, HttpOnly and
SameSite cookies.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.uploads import clean_uploads

ROOT = Path(__file__).resolve().parents[2]
HX = {"HX-Request": "true"}


def _directives(policy: str) -> dict:
    return {
        name: value
        for name, _, value in (p.strip().partition(" ") for p in policy.split(";") if p.strip())
    }


def _pages(world):
    """(page type, who, method, url, headers, data, expected status)."""
    from tests.contracts.factories import ContractFactory
    from tests.tickets.factories import open_ticket

    upload = SimpleUploadedFile("router.log", b"log", "text/plain")
    ticket = open_ticket(world, attachments=clean_uploads([upload]))
    attachment = ticket.attachments.get()
    contract = ContractFactory(organisation=world.org)
    return [
        ("login", None, "get", reverse("accounts:login"), {}, 200),
        ("password reset", None, "get", reverse("accounts:password_reset"), {}, 200),
        ("portal page", "member", "get", reverse("portal:dashboard"), {}, 200),
        ("ticket page", "member", "get", reverse("tickets:detail", args=[ticket.number]), {}, 200),
        ("htmx fragment", "member", "get", reverse("tickets:list_live"), HX, 200),
        ("htmx poll", "member", "get", reverse("notifications:bell"), HX, 200),
        (
            "attachment",
            "member",
            "get",
            reverse("tickets:attachment", args=[ticket.number, attachment.pk]),
            {},
            200,
        ),
        ("CSV export", "manager", "get", reverse("inventory:csv"), {}, 200),
        (
            "CSV statement",
            "manager",
            "get",
            reverse("contracts:statement_csv", args=[contract.pk]),
            {},
            200,
        ),
        (
            "PDF statement",
            "manager",
            "get",
            reverse("contracts:statement_pdf", args=[contract.pk]),
            {},
            200,
        ),
        ("404", "member", "get", "/no/such/page/", {}, 404),
        ("404 fragment", "member", "get", "/tickets/TKT-1999-00001/live/", HX, 404),
        (
            "admin form",
            "agent",
            "get",
            reverse("admin:tickets_ticket_change", args=[ticket.pk]),
            {},
            200,
        ),
        ("admin list", "agent", "get", reverse("admin:tickets_ticket_changelist"), {}, 200),
        ("health", None, "get", reverse("healthz"), {}, 200),
    ]


def _check(response, files_csp=False):
    problems = []
    policy = response.get("Content-Security-Policy", "")
    directives = _directives(policy)
    if "unsafe-eval" in policy:
        problems.append("unsafe-eval")
    if files_csp:
        # A stored file: nothing runs (sandbox without allow-scripts), nothing loads.
        if directives.get("default-src") != "'none'" or "sandbox" not in directives:
            problems.append(f"file CSP {policy!r}")
        if "script-src" in directives or "allow-scripts" in policy:
            problems.append("file may run script")
    else:
        if "unsafe-inline" in policy:
            problems.append("unsafe-inline")
        if directives.get("frame-ancestors") != "'none'":
            problems.append(f"frame-ancestors in {policy!r}")
        if directives.get("script-src") != "'self'":
            problems.append(f"script-src in {policy!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header}: {response.get(header)!r}")
    permissions = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        if feature not in permissions:
            problems.append(f"Permissions-Policy without {feature}")
    return problems


FILES = {"attachment"}


def test_every_page_type_sends_the_security_headers(world):
    failures = {}
    for kind, who, method, url, headers, status in _pages(world):
        client = Client(raise_request_exception=False)
        if who:
            client.force_login(getattr(world, who))
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == status, (kind, response.status_code)
        problems = _check(response, files_csp=kind in FILES)
        if problems:
            failures[kind] = problems
    assert failures == {}


def test_error_pages_send_them_too(world):
    # 403: a form posted without its CSRF token.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    refused = client.post(reverse("accounts:language_switch"), {"language": "es"})
    assert refused.status_code == 403
    assert _check(refused) == [], "403"
    # 400: a host the portal does not serve.
    bad_host = Client(raise_request_exception=False).get(
        reverse("accounts:login"), HTTP_HOST="evil.example"
    )
    assert bad_host.status_code == 400
    assert _check(bad_host) == [], "400"


def test_an_svg_opened_in_place_cannot_run_anything(world, client):
    from tests.tickets.factories import open_ticket

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    upload = SimpleUploadedFile("plan.svg", svg, "image/svg+xml")
    ticket = open_ticket(world, attachments=clean_uploads([upload]))
    client.force_login(world.member)
    url = reverse("tickets:attachment", args=[ticket.number, ticket.attachments.get().pk])
    response = client.get(url, {"inline": "1"})
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("inline")
    assert _check(response, files_csp=True) == []


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-" + "k" * 50,
    "ALLOWED_HOSTS": "portal.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "BEHIND_PROXY": "true",
}
# Run in the subprocess: the login page and a login over HTTPS (as a proxy says),
# with the production settings, through Django's test client.
_PROBE = """
import json
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST="portal.example.com", HTTP_X_FORWARDED_PROTO="https")
page = c.get("/account/login/")
lang = c.post("/i18n/setlang/", {"language": "es", "next": "/"})
cookies = {}
for response in (page, lang):
    for name, morsel in response.cookies.items():
        cookies[name] = {k: morsel[k] for k in ("secure", "httponly", "samesite")}
plain = Client(HTTP_HOST="portal.example.com").get("/account/login/")
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security", ""),
    "redirect": [plain.status_code, plain.get("Location", "")],
    "cookies": cookies,
    "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                settings.SESSION_COOKIE_SAMESITE],
    "csrf": [settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_SAMESITE],
    "language": [settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_HTTPONLY,
                 settings.LANGUAGE_COOKIE_SAMESITE],
}))
"""


@pytest.fixture(scope="module")
def production():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_and_redirects_plain_http(production):
    assert production["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in production["hsts"]
    assert production["redirect"] == [301, "https://portal.example.com/account/login/"]


def test_production_cookies_are_secure_httponly_and_samesite(production):
    assert production["session"] == [True, True, "Lax"]
    # Not HttpOnly: static/js/drawio.js reads the token from it (Django's docs:
    # HttpOnly on this cookie protects nothing).
    assert production["csrf"] == [True, "Lax"]
    assert production["language"] == [True, True, "Lax"]
    # What the browser is actually told, for the cookies these two answers set.
    cookies = production["cookies"]
    assert {"csrftoken", "django_language"} <= cookies.keys()
    for name, flags in cookies.items():
        assert flags["secure"] is True, name
        assert str(flags["samesite"]).lower() == "lax", name
    assert cookies["django_language"]["httponly"] is True
