"""What the SLA adds to the shared parts (core/plugins.py): deadline events and its demo steps."""

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.plugins import ALWAYS, UNOWNED, DemoStep, Kind, Verb, Widget


def _kind(value) -> str:
    from .models import Kind as ClockKind

    try:
        return str(ClockKind(value).label).lower()
    except ValueError:
        return value


KINDS = [
    # Clients hear of SLA deadlines in the portal (the ticket's marks, the feed,
    # the centre), not by e-mail: a warning asks the support team to act, not
    # the client, and what the client waits for (the reply, the resolution) is
    # e-mailed when it comes. A client who wants deadline e-mails ticks them.
    Kind("sla", gettext_lazy("SLA deadlines"), staff_loud=True),
]

VERBS = [
    # A deadline coming close on a ticket nobody owns is the team's to act on.
    Verb(
        "sla_warning",
        gettext_lazy("%(number)s is close to its %(kind)s deadline"),
        "sla",
        subject="ticket",
        labels={"kind": _kind},
        action=pgettext_lazy("e-mail subject", "Deadline close"),
        supervisors=UNOWNED,
        deadline=True,
    ),
    Verb(
        "sla_breached",
        gettext_lazy("%(number)s missed its %(kind)s deadline"),
        "sla",
        subject="ticket",
        labels={"kind": _kind},
        action=pgettext_lazy("e-mail subject", "Deadline missed"),
        supervisors=ALWAYS,
        deadline=True,
    ),
]


def _month(request, organisation):
    from .widgets import month

    return month(request, organisation)


WIDGETS = [Widget("sla_month", "sla/widgets/month.html", _month, order=70, whole_organisation=True)]


def _policies(demo):
    from . import demo as sla_demo

    sla_demo.load_policies(demo.organisations)


def _catch_up(demo):
    from django.utils import timezone

    from . import demo as sla_demo

    if demo.first_load:
        # The warnings and breaches the sweep would have sent while the
        # back-dated history ran, each at its moment.
        sla_demo.catch_up_all(demo.organisations.values(), timezone.now())


DEMO = [
    DemoStep("sla-policies", _policies, after=("accounts",)),
    DemoStep("sla-catch-up", _catch_up, after=("tickets", "contracts")),
]
