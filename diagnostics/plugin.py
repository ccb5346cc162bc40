"""What network diagnostics add to the shared parts (core/plugins.py).

A measurement run on a ticket is an event of that ticket: its people hear that it
started and how it ended (the summary line is on the ticket's page); an internal
one reaches staff only.
"""

from django.utils.translation import gettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import Area, DemoStep, Kind, Verb, Widget

KINDS = [Kind("diagnostics", gettext_lazy("Network measurements"))]


def _kind(value) -> str:
    from .models import Kind as MeasurementKind

    try:
        return str(MeasurementKind(value).label)
    except ValueError:
        return str(value)


VERBS = [
    Verb(
        "measurement_started",
        gettext_lazy("%(actor)s started a %(kind)s measurement of %(target)s"),
        "diagnostics",
        subject="ticket",
        labels={"kind": _kind},
        notify=False,
    ),
    Verb(
        "measurement_finished",
        gettext_lazy("The %(kind)s measurement of %(target)s has finished"),
        "diagnostics",
        subject="ticket",
        labels={"kind": _kind},
        action=gettext_lazy("Measurement finished"),
    ),
]


def _resource_panel(request, organisation, *, resource):
    from .resources import panel

    return panel(request, organisation, resource=resource)


# On a managed resource's page (inventory): its measurements, and one to run.
WIDGETS = [
    Widget(
        "resource_measurements",
        "diagnostics/_resource_panel.html",
        _resource_panel,
        page="resource",
        column="side",
    )
]

AREAS = [Area("diagnostics", gettext_lazy("Diagnostics"), "diagnostics:home", order=75)]

STAFF = {
    AGENT: [
        "diagnostics.view_measurement",
        "diagnostics.add_measurement",
        "diagnostics.view_organisationrules",
    ],
    SUPERVISOR: [
        "diagnostics.view_measurement",
        "diagnostics.add_measurement",
        "diagnostics.view_organisationrules",
        "diagnostics.change_organisationrules",
        "diagnostics.add_organisationrules",
    ],
}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("diagnostics", _demo, after=("accounts", "tickets"))
