"""core.plugins: how declarations are collected, and the mistakes it refuses."""

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core import plugins
from core.plugins import BeatJob, DemoStep, Kind, Verb

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture
def declared(monkeypatch):
    """Replace the installed apps' plugin modules by the ones a test gives."""
    modules = []

    def fake(name):
        return [m for m in modules if getattr(m, "module", "plugin") == name]

    monkeypatch.setattr(plugins, "_modules", fake)
    plugins.clear()
    yield modules
    plugins.clear()


def module(**lists):
    return SimpleNamespace(**lists)


def test_two_apps_declaring_one_verb_is_refused(declared):
    kinds = [Kind("k", _("K"))]
    declared += [
        module(KINDS=kinds, VERBS=[Verb("done", _("Done"), "k", "organisation")]),
        module(VERBS=[Verb("done", _("Done again"), "k", "organisation")]),
    ]
    with pytest.raises(ImproperlyConfigured, match="'done'"):
        plugins.verbs()


def test_a_verb_of_an_unknown_kind_or_subject_is_refused(declared):
    declared.append(module(VERBS=[Verb("done", _("Done"), "nowhere", "organisation")]))
    with pytest.raises(ImproperlyConfigured, match="unknown kind"):
        plugins.verbs()
    declared[:] = [module(KINDS=[Kind("k", _("K"))], VERBS=[Verb("seen", _("Seen"), "k")])]
    plugins.clear()
    with pytest.raises(ImproperlyConfigured, match="no known subject"):
        plugins.verbs()


def test_demo_steps_run_after_what_they_wait_for_and_the_last_ones_last(declared):
    declared += [
        module(DEMO=DemoStep("fan-out", print, after=("base",), at_end=True)),
        module(DEMO=[DemoStep("late", print, after=("early",)), DemoStep("base", print)]),
        module(DEMO=DemoStep("early", print, after=("base",))),
        module(DEMO=DemoStep("policies", print, after=("base",), before=("early",))),
    ]
    assert [s.name for s in plugins.demo_steps()] == [
        "base",
        "policies",
        "early",
        "late",
        "fan-out",
    ]


def test_demo_steps_waiting_for_each_other_or_for_nothing_are_refused(declared):
    declared += [module(DEMO=[DemoStep("a", print, after=("b",)), DemoStep("b", print, ("a",))])]
    with pytest.raises(ImproperlyConfigured, match="wait for each other"):
        plugins.demo_steps()
    declared[:] = [module(DEMO=DemoStep("a", print, after=("missing",)))]
    plugins.clear()
    with pytest.raises(ImproperlyConfigured, match="'missing'"):
        plugins.demo_steps()


def test_beat_jobs_come_from_the_tasks_modules(declared):
    declared.append(module(module="tasks", BEAT=[BeatJob("sweep", "app.tasks.sweep", 60.0, 55)]))
    declared.append(module(BEAT=[BeatJob("ignored", "app.plugin.x", 1.0)]))  # not a tasks module
    assert plugins.beat_schedule() == {
        "sweep": {"task": "app.tasks.sweep", "schedule": 60.0, "options": {"expires": 55}}
    }


def test_the_portal_apps_declare_the_schedule_they_had():
    schedule = plugins.beat_schedule()
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "sla-sweep": "sla.tasks.sla_sweep",
        "activity-outbox-sweep": "activity.tasks.outbox_sweep",
        "notifications-prune": "notifications.tasks.prune",
        "notifications-delivery-sweep": "notifications.tasks.delivery_sweep",
        "tickets-recurring-sweep": "tickets.tasks.recurring_tickets_sweep",
        "tickets-auto-close-sweep": "tickets.tasks.auto_close_sweep",
        "contracts-open-periods": "contracts.tasks.open_periods",
        "knowledge-announce-due": "knowledge.tasks.announce_due",
        "knowledge-settle-deflections": "knowledge.tasks.settle_deflections",
        "signing-sweep": "signing.tasks.sweep",
        "diagnostics-poll-due": "diagnostics.tasks.poll_due",
        "inventory-expiry": "inventory.tasks.expiry_sweep",
        "surveys-sweep": "surveys.tasks.sweep",
        "mailin-fetch": "mailin.tasks.fetch_mailbox",
        "worker-heartbeat": "portal.health.heartbeat",
    }


def test_a_real_beat_loads_the_collected_schedule(tmp_path):
    """`celery beat` itself reads every app's jobs (config/celery.py collects them at start)."""
    # Celery logs through settings.LOGGING: LOG_LEVEL, not --loglevel, says what it prints.
    env = {**os.environ, "DEBUG": "true", "LOG_LEVEL": "DEBUG"}
    beat = subprocess.Popen(
        [CELERY, "-A", "config", "beat", "--loglevel", "DEBUG", "-s", str(tmp_path / "schedule")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = beat.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ticking with max interval" in line:
                break
    finally:
        beat.terminate()
        beat.wait(timeout=10)
    output = "".join(lines)
    for name, job in plugins.beat_jobs().items():
        assert f"<ScheduleEntry: {name} {job.task}()" in output, output


def test_an_organisation_verb_for_supervisors_needs_a_kind_they_can_turn_off(declared):
    declared.append(
        module(
            KINDS=[Kind("bank", _("Bank"))],
            VERBS=[Verb("bank_empty", _("Empty"), "bank", "managers", supervisors="always")],
        )
    )
    with pytest.raises(ImproperlyConfigured, match="supervisors=True"):
        plugins.verbs()
    declared[:] = [
        module(
            KINDS=[Kind("bank", _("Bank"), supervisors=True)],
            VERBS=[Verb("bank_empty", _("Empty"), "bank", "managers", supervisors="always")],
        )
    ]
    plugins.clear()
    assert list(plugins.verbs()) == ["bank_empty"]
