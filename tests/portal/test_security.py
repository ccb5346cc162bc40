import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_csp_allows_nothing_inline_or_from_elsewhere(client, world):
    client.force_login(world.member)
    response = client.get(reverse("portal:dashboard"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # The only other origin is the draw.io editor, and only as a frame.
    drawio = urlsplit(settings.DRAWIO_URL)
    assert directives["frame-src"] == f"'self' {drawio.scheme}://{drawio.netloc}"
    others = {k: v for k, v in directives.items() if k != "frame-src"}
    assert not any("http" in value for value in others.values())


def test_pages_carry_no_inline_script_or_style(client, world):
    client.force_login(world.manager)
    for url in (reverse("portal:dashboard"), reverse("accounts:team"), reverse("accounts:profile")):
        body = client.get(url).content.decode()
        assert "<style" not in body
        assert ' style="' not in body
        for chunk in body.split("<script")[1:]:
            assert chunk.lstrip().startswith("src=") or ' src="' in chunk.split(">")[0], chunk[:80]


def test_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    import config.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("secret", hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify("secret", encoded)
    assert not hasher.verify("guess", encoded)


def test_csrf_is_enforced_and_htmx_header_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    url = reverse("accounts:language_switch")
    refused = client.post(url, {"language": "es"}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert "session has expired" in refused.content.decode()
    world.member.refresh_from_db()
    assert world.member.language == "en"

    page = client.get(reverse("portal:dashboard"))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()  # hx-headers on <body>
    accepted = client.post(
        url, {"language": "es"}, headers={"HX-Request": "true", "X-CSRFToken": str(token)}
    )
    assert accepted.status_code == 302
    world.member.refresh_from_db()
    assert world.member.language == "es"


def test_session_expires(client, world):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tests.factories import PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": world.member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert 0 < int(cookie["max-age"]) <= 24 * 60 * 60
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert abs(lifetime.total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    assert client.get(reverse("portal:dashboard")).status_code == 200
    # The server, not only the browser, ends the session when its time is up.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = client.get(reverse("portal:dashboard"))
    assert expired.status_code == 302
    assert expired["Location"].startswith(reverse("accounts:login"))


def test_refuses_to_start_with_debug_off_and_default_secret_key():
    env_no_key = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env_no_key, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_refuses_to_start_with_debug_off_and_no_allowed_hosts():
    env = {k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "false", "SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check():
    from tests.signing.factories import PASSPHRASE, seal_path

    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        # Production names the provider's seal (signing.W001 otherwise).
        SIGNING_PKCS12_PATH=seal_path(),
        SIGNING_PKCS12_PASSPHRASE=PASSPHRASE,
        DEBUG="false",
        SECRET_KEY="a-production-secret-" + "k" * 50,
        ALLOWED_HOSTS="portal.example.com",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_switch_on_secure_cookies_and_hsts():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS)"
    )
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        DEBUG="false",
        SECRET_KEY="a-production-secret-" + "k" * 50,
        ALLOWED_HOSTS="portal.example.com",
        SECURE_SSL_REDIRECT="true",
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000"], result.stderr


@pytest.mark.parametrize("path", ["/static/css/portal.css", "/static/django_htmx/htmx-2.min.js"])
def test_assets_are_served_by_the_project(client, path):
    from django.contrib.staticfiles import finders

    assert finders.find(path.removeprefix("/static/")) is not None


def test_htmx_comes_from_our_static_files(client, world):
    client.force_login(world.member)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert settings.STATIC_URL + "django_htmx/htmx-2.min.js" in body
    assert "https://" not in body.split("</head>")[0]
