import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from accounts.models import Organisation, Role, User
from accounts.roles import AGENT, SUPERVISOR, sync_staff_groups
from tests.accounts.second_factor import plain_force_login, verify_session
from tests.contracts.factories import ContractFactory
from tests.factories import OrganisationFactory, UserFactory, member_of, partner_user_for
from tests.tickets.factories import open_ticket


def _force_login(self, user, backend=None):
    """force_login skips the password; for staff it also skips the second step.

    Staff cannot use the admin without one (accounts.second_factor), and most
    tests are about something else. tests/accounts/test_second_factor.py signs
    in with plain_force_login, or through the real forms, to test that step.
    """
    plain_force_login(self, user, backend)
    if user.is_staff:
        verify_session(self, user)


Client.force_login = _force_login

# Each xdist worker has a Redis database of its own (pytest-django already gives it
# a PostgreSQL database of its own, suffixed gw0, gw1...): the autouse fixture below
# flushes the cache, and the real Celery workers of tests/e2e/worker.py purge the
# broker and consume whatever is queued there.
REDIS_URLS = ("REDIS_URL", "CELERY_BROKER_URL")
# What REDIS_URL was before it was moved (tests/test_xdist.py checks the move).
RUN_REDIS_URL = "PORTAL_TEST_RUN_REDIS_URL"


def redis_url_for_worker(url: str, index: int) -> str:
    """The run's Redis URL (database 15 unless told) moved down by the worker's index."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - index
    if database < 0:
        raise pytest.UsageError(
            f"xdist worker {index} has no Redis database below {url}: run fewer workers "
            "or give REDIS_URL a higher database"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_newgateway(gateway):
    # Set in the worker's process before its pytest starts, so that pytest-env (whose
    # D: defaults yield to it), the settings and every subprocess of the worker see it.
    index = int(gateway.id.removeprefix("gw"))
    env = {
        name: redis_url_for_worker(os.environ[name], index)
        for name in REDIS_URLS
        if name in os.environ
    }
    env[RUN_REDIS_URL] = os.environ["REDIS_URL"]
    channel = gateway.remote_exec("import os; os.environ.update(channel.receive())")
    channel.send(env)
    channel.waitclose()


@dataclass
class World:
    """The personas every scoping test needs, around one organisation `org`."""

    org: Organisation
    other_org: Organisation
    manager: User
    member: User
    other_member: User  # a second member of `org`
    outsider: User  # manager of another organisation
    partner: User  # partner assigned to `org`
    stray_partner: User  # partner assigned to another organisation only
    agent: User
    supervisor: User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, without the audit trail's TRUNCATE guard.

    A transactional or browser test ends with a flush, which empties every table
    with TRUNCATE; the audit table refuses it everywhere else (audit migration
    0002). Its UPDATE and DELETE guards stay: tests/audit checks them, and the
    TRUNCATE one inside a transaction of its own.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry")


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    # Argon2 is the production hasher (tested in tests/accounts/test_security.py);
    # it is deliberately slow, which the rest of the suite does not need.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    # A view or task that activates its reader's language leaves it on the thread:
    # each test starts in the default language, whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def world(db) -> World:
    org = OrganisationFactory(name="Andes Fibra", slug="andes", default_language="es")
    other_org = OrganisationFactory(name="Other Co", slug="other", default_language="en")
    sync_staff_groups()
    agent = UserFactory(email="agent@support.test", is_staff=True, display_name="Ana Agent")
    agent.groups.add(Group.objects.get(name=AGENT))
    supervisor = UserFactory(
        email="supervisor@support.test", is_staff=True, display_name="Sergio Supervisor"
    )
    supervisor.groups.add(Group.objects.get(name=SUPERVISOR))
    return World(
        org=org,
        other_org=other_org,
        manager=member_of(org, Role.MANAGER, email="manager@andes.test", display_name="Camila"),
        member=member_of(org, Role.MEMBER, email="member@andes.test", display_name="Diego"),
        other_member=member_of(org, Role.MEMBER, email="member2@andes.test"),
        outsider=member_of(other_org, Role.MANAGER, email="boss@other.test"),
        partner=partner_user_for(org, email="partner@tp.test", display_name="Lucía"),
        stray_partner=partner_user_for(other_org, email="stray@tp.test"),
        agent=agent,
        supervisor=supervisor,
    )


@pytest.fixture
def ticket(world):
    """world.member's ticket "Router down in Valparaíso" in world.org, through the service."""
    return open_ticket(world)


@pytest.fixture
def contract(world):
    """world.org's contract: 10 hours a month from January 2026 (ContractFactory)."""
    return ContractFactory(organisation=world.org)


@pytest.fixture
def client_for(client):
    """Log a user in on the test client and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def start_worker(django_db_setup, transactional_db):
    """Start real Celery workers (tests/e2e/worker.py) for one test: `start_worker(**env)`.

    One test, one worker: a worker caches ContentType ids, and the flush that ends a
    transactional test recreates the content types under new ids, so a worker kept
    across tests would write events pointing at content types that no longer exist.
    """
    from tests.e2e.worker import CeleryWorker

    started = []

    def start(**env) -> CeleryWorker:
        worker = CeleryWorker(start_timeout=30.0)
        worker.env.update({key: str(value) for key, value in env.items()})
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
        # Printed in teardown: pytest shows it only for a failing test.
        print(f"Celery worker output:\n{worker.output}")


@pytest.fixture
def celery_worker_process(start_worker):
    """A real Celery worker with the test settings, for one test."""
    return start_worker()


@pytest.fixture
def worker(celery_worker_process, transactional_db):
    """The module's worker; its output during the test is shown if the test fails."""
    celery_worker_process.assert_alive()
    mark = celery_worker_process.mark()
    yield celery_worker_process
    # Printed in teardown: pytest shows it only for a failing test.
    print("Celery worker output during the test:\n" + celery_worker_process.output_since(mark))


# CI runs the same examples every time (`.ci/run` sets CI=true): a failure there
# is one anybody can reproduce, not a draw. Locally Hypothesis keeps exploring.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")
