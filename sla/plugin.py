"""What the SLA adds to the shared parts (core/plugins.py): deadline events and its demo steps."""

from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
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


WIDGETS = [
    Widget(
        "sla_month",
        "sla/widgets/month.html",
        _month,
        order=70,
        whole_organisation=True,
        column="side",
    )
]


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
    DemoStep("sla-policies", _policies, after=("accounts",), before=("tickets",)),
    DemoStep("sla-catch-up", _catch_up, after=("tickets", "contracts")),
]

# Everyone on staff sees the SLA setup, each ticket's clocks and the SLA report
# (the report asks for sla.view_slapolicy).
_VIEW_SLA = [
    "sla.view_businesscalendar",
    "sla.view_workinghours",
    "sla.view_holiday",
    "sla.view_slapolicy",
    "sla.view_slatarget",
    "sla.view_organisationpolicy",
    "sla.view_ticketclock",
]

# Supervisors set the SLAs: calendars, policies, and who gets which.
# Clocks are moved by sla.services only: nobody edits them in the admin.
_CONFIGURE_SLA = [
    "sla.add_businesscalendar",
    "sla.change_businesscalendar",
    "sla.delete_businesscalendar",
    "sla.add_workinghours",
    "sla.change_workinghours",
    "sla.delete_workinghours",
    "sla.add_holiday",
    "sla.change_holiday",
    "sla.delete_holiday",
    "sla.add_slapolicy",
    "sla.change_slapolicy",
    "sla.delete_slapolicy",
    "sla.add_slatarget",
    "sla.change_slatarget",
    "sla.delete_slatarget",
    "sla.add_organisationpolicy",
    "sla.change_organisationpolicy",
    "sla.delete_organisationpolicy",
]

STAFF = {AGENT: _VIEW_SLA, SUPERVISOR: [*_VIEW_SLA, *_CONFIGURE_SLA]}
