"""The example app plugs into every shared part from its own folder (docs/apps.md).

Installed as a newcomer would install a new app: one line in INSTALLED_APPS and
one include in the URLs (tests/plugged/root_urls.py). Everything else it adds
is discovered.
"""

import io
import subprocess
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Organisation, Role
from activity.describe import describe
from core import plugins
from notifications.fanout import fan_out
from notifications.models import Notification
from notifications.render import render
from tests import scoping
from tests.factories import member_of
from tests.plugged import scoping as plugged_scoping
from tests.plugged import services

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plugged(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.plugged"]
    settings.ROOT_URLCONF = "tests.plugged.root_urls"


def test_nothing_outside_its_folder_names_it():
    found = subprocess.run(
        ["git", "grep", "-l", "plugged", "--", ".", ":!tests/plugged", ":!docs", ":!README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 1, found.stdout  # 1: no match


def test_without_it_the_shared_parts_know_nothing_of_it():
    assert "notice_posted" not in plugins.verbs()
    assert "notices" not in plugins.kinds()
    assert "notices" not in [area.key for area in plugins.areas()]
    assert "plugged" not in [step.name for step in plugins.demo_steps()]
    assert "plugged-digest" not in plugins.beat_schedule()


def test_its_declarations_are_collected(plugged):
    assert plugins.verbs()["notice_posted"].kind == "notices"
    around = {"contracts", "notices", "team"}
    assert [area.key for area in plugins.areas() if area.key in around] == [
        "contracts",
        "notices",
        "team",
    ]
    assert "latest_notice" in [widget.key for widget in plugins.widgets()]
    names = [step.name for step in plugins.demo_steps()]
    assert names.index("accounts") < names.index("activity") < names.index("plugged")
    assert names[-1] == "notifications"  # at_end: it fans out everything the steps wrote
    assert plugins.beat_schedule()["plugged-digest"] == {
        "task": "tests.plugged.tasks.digest",
        "schedule": 3600.0,
        "options": {"expires": 60},
    }


def test_its_event_reaches_the_feed_and_the_managers_in_their_language(plugged, world, client_for):
    services.notice_post(organisation=world.org, by=world.manager, title="Corte el sábado")
    member = member_of(world.org, Role.MEMBER, email="reader@andes.test", language="es")
    feed = client_for(member).get(reverse("activity:feed"))
    assert "publicó un aviso: Corte el sábado" in feed.content.decode()

    # An organisation's events notify its managers (not its actor); the kind is
    # loud, so by e-mail too.
    other_manager = member_of(world.org, Role.MANAGER, email="boss2@andes.test", language="es")
    second = services.notice_post(organisation=world.org, by=world.manager, title="Otro")
    fan_out(second)
    channels = set(
        Notification.objects.filter(event=second, user=other_manager).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"portal", "email"}
    assert not Notification.objects.filter(event=second, user=member).exists()
    message = render(second, other_manager)
    assert message.headline == f"{world.manager} publicó un aviso: Otro"
    assert message.action == "Nuevo aviso"
    assert message.path == reverse("plugged:notices")
    with translation.override("en"):
        assert describe(second) == f"{world.manager} posted a notice: Otro"


def test_its_page_entry_panel_and_preferences_row_appear(plugged, world, client_for):
    services.notice_post(organisation=world.org, by=world.manager, title="Mantenimiento")
    world.manager.language = "es"
    world.manager.save(update_fields=["language"])
    client = client_for(world.manager)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert f'href="{reverse("plugged:notices")}"' in dashboard
    assert "Último aviso" in dashboard and "Mantenimiento" in dashboard
    page = client.get(reverse("plugged:notices"))
    assert page.status_code == 200 and "Mantenimiento" in page.content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Avisos" in profile  # a row of the notification preferences matrix


def test_its_harness_cases_are_collected_and_hold(plugged, world, client):
    assert plugged_scoping in scoping.app_modules()
    cases, _ = scoping.collect([plugged_scoping])
    (case,) = cases
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for persona in ("outsider", "stray_partner"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404
    client.force_login(getattr(world, case.insider))
    assert client.get(url).status_code == case.expected


def test_manage_py_demo_runs_its_step(plugged, db):
    # The categories come from a data migration, which a browser test's flush removes.
    import_module("tickets.migrations.0002_categories").add_categories(apps, None)
    call_command("demo", stdout=io.StringIO())
    andes = Organisation.objects.get(slug="andes-fibra")
    assert [e.data["title"] for e in services.notices(andes)] == ["Mantenimiento el sábado"]
