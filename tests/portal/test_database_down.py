"""PostgreSQL restarting under a request: a 503 maintenance page, not a 500."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse


def _other_connection():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _our_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def browser(transactional_db, world):
    client = Client(raise_request_exception=False)
    world.member.language = "es"
    world.member.save()
    client.force_login(world.member)
    assert client.get(reverse("tickets:list")).status_code == 200  # positive control
    yield client
    connection.close()  # the next query (teardown's flush) reconnects


def test_a_connection_lost_before_the_user_is_known_answers_503(browser):
    with _other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [_our_pid()])
    # The session cannot be read: the browser's language is all there is.
    response = browser.get("/tickets/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "503" in body and '<html lang="es">' in body


def test_a_connection_lost_in_the_middle_of_a_view_answers_503_in_the_users_language(browser):
    """The ticket query waits on a lock; PostgreSQL goes away while it waits."""
    pid = _our_pid()
    with _other_connection() as locker, _other_connection() as admin:
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE tickets_ticket IN ACCESS EXCLUSIVE MODE")

        def terminate_when_waiting():
            for _attempt in range(200):
                waiting = admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                    [pid],
                ).fetchone()
                if waiting:
                    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=terminate_when_waiting)
        killer.start()
        response = browser.get("/tickets/", HTTP_ACCEPT_LANGUAGE="en")
        killer.join()
        locker.execute("ROLLBACK")
    assert response.status_code == 503
    assert '<html lang="es">' in response.content.decode()  # the member's, not the browser's


def test_other_errors_are_still_a_500(rf):
    from portal import views

    try:
        raise ValueError("boom")
    except ValueError:
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
