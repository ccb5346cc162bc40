"""What a newcomer meets on the first `make run`: its database, its links, its 404 page."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.test import override_settings
from django.urls import reverse

from tickets import services

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _site_url(**environ) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "WEB_BIND")}
    env.update(environ)
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_links_follow_the_port_make_run_serves_on():
    assert _site_url(DEBUG="true", WEB_BIND="127.0.0.1:8010") == "http://127.0.0.1:8010"
    assert _site_url(DEBUG="true", WEB_BIND="0.0.0.0:8020") == "http://127.0.0.1:8020"
    assert _site_url(DEBUG="true") == "http://127.0.0.1:8000"
    # Set on purpose, it wins over the port.
    assert (
        _site_url(DEBUG="true", WEB_BIND="127.0.0.1:8010", SITE_URL="https://help.example/")
        == "https://help.example"
    )


def test_make_db_creates_the_database_database_url_names():
    name = f"portal_createdb_{uuid.uuid4().hex[:10]}"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    admin = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)

    def exists():
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()

    def create():
        return subprocess.run(
            [sys.executable, "scripts/createdb.py"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        )

    try:
        assert not exists()
        assert name in create().stdout
        assert exists()
        # Already there: nothing to do, no error.
        assert create().stdout == ""
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@override_settings(DEBUG=True)
def test_debug_shows_the_portal_404_for_a_missing_ticket(client, world):
    client.force_login(world.member)
    response = client.get(reverse("tickets:detail", args=["TKT-2026-99999"]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "Página no encontrada" in body or "Page not found" in body
    assert "URLconf" not in body


@override_settings(DEBUG=True)
def test_debug_shows_the_portal_404_for_a_ticket_outside_scope_and_an_unknown_url(client, world):
    theirs = services.ticket_open(
        organisation=world.other_org,
        requester=world.outsider,
        subject="Their router",
        description="Not for Andes to see.",
    )
    client.force_login(world.member)
    for url in (reverse("tickets:detail", args=[theirs.number]), "/no/such/page/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "404.html" in [t.name for t in response.templates], url
        assert "URLconf" not in response.content.decode(), url
    # Positive control: the owner gets the ticket, so the 404 above is the scope's.
    client.force_login(world.outsider)
    assert client.get(reverse("tickets:detail", args=[theirs.number])).status_code == 200


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True)
def test_debug_technical_404_on_request_shows_django_page(client, world):
    client.force_login(world.member)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
