"""What contracts adds to the shared parts (core/plugins.py).

Time and hours-bank events, the Contracts page and the demo's contracts.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import ALWAYS, MANAGERS, Area, DemoStep, Kind, Verb, Widget

TIME_LOGGED = pgettext_lazy("e-mail subject", "Time logged")


def _contract_page(event, *, staff):
    # A supervisor told of an exhausted bank goes to the contract itself.
    if not event.target_id.isdecimal():
        return None
    if staff:
        return reverse("admin:contracts_contract_change", args=[event.target_id])
    return reverse("contracts:detail", args=[event.target_id])


KINDS = [
    Kind("time", gettext_lazy("Time logged")),
    # Whether to go on working billable hours is a decision for the support
    # team's leads too, not only for the client's managers.
    Kind("hours_bank", gettext_lazy("Hours bank"), staff_loud=True, supervisors=True),
]

VERBS = [
    Verb(
        "time_logged",
        ngettext_lazy(
            "%(actor)s logged %(minutes)s minute on %(number)s",
            "%(actor)s logged %(minutes)s minutes on %(number)s",
            "minutes",
        ),
        "time",
        subject="ticket",
        action=TIME_LOGGED,
    ),
    Verb(
        "time_entry_changed",
        gettext_lazy("%(actor)s corrected a time entry on %(number)s"),
        "time",
        subject="ticket",
        action=TIME_LOGGED,
    ),
    Verb(
        "hours_bank_80",
        gettext_lazy("80%% of the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
        "hours_bank",
        MANAGERS,
        link=_contract_page,
    ),
    Verb(
        "hours_bank_100",
        gettext_lazy("All the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
        "hours_bank",
        MANAGERS,
        link=_contract_page,
        supervisors=ALWAYS,
    ),
]

AREAS = [
    Area(
        "contracts",
        gettext_lazy("Contracts"),
        "contracts:list",
        order=40,
        whole_organisation=True,
    )
]


def _bank(request, organisation):
    from .widgets import bank

    return bank(request, organisation)


WIDGETS = [
    Widget(
        "hours_bank",
        "contracts/widgets/bank.html",
        _bank,
        order=60,
        whole_organisation=True,
        column="side",
    )
]


def _demo(demo):
    from . import demo as contracts_demo

    contracts_demo.load_services(demo.organisations)
    if demo.first_load:
        contracts_demo.link_services(demo.organisations)
    contracts_demo.load_contracts(demo.organisations, demo.users)


DEMO = DemoStep("contracts", _demo, after=("tickets",))

# Agents log time on tickets and follow the hours banks and objectives. Who may
# correct an entry, and until when, is contracts.services.can_edit (its author or
# a supervisor, for TIME_ENTRY_EDIT_DAYS); nobody deletes one: the history is kept.
_LOG_TIME = [
    "contracts.view_service",
    "contracts.view_contract",
    "contracts.view_timeentry",
    "contracts.add_timeentry",
    "contracts.change_timeentry",
    "contracts.view_timeentryrevision",
    "contracts.view_bankperiod",
    "contracts.view_objective",
]

# Supervisors keep the services catalogue and the contracts (who gets which SLA,
# the hours bank), and set a contract's objectives and their progress by hand.
_MANAGE_CONTRACTS = [
    "contracts.add_service",
    "contracts.change_service",
    "contracts.delete_service",
    "contracts.add_contract",
    "contracts.change_contract",
    "contracts.delete_contract",
    "contracts.add_objective",
    "contracts.change_objective",
    "contracts.delete_objective",
]

STAFF = {AGENT: _LOG_TIME, SUPERVISOR: [*_LOG_TIME, *_MANAGE_CONTRACTS]}
