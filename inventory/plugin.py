"""What managed resources add to the shared parts (core/plugins.py).

A resource is the organisation's: every client of it reads its events (an
expiry coming, a device faulty), its managers are notified, and the link opens
the resource's page. Prices never enter an event's data.
"""

from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import ORGANISATION, Area, DemoStep, Kind, Verb, Widget


def _date(value) -> str:
    day = parse_date(str(value or ""))
    return formats.date_format(day, "DATE_FORMAT") if day else str(value or "")


def _status(value) -> str:
    from .models import Status

    try:
        return str(Status(value).label).lower()
    except ValueError:
        return str(value)


def _link(event, *, staff):
    number = event.data.get("resource")
    if not number:
        return None
    if staff:
        return f"{reverse('admin:inventory_resource_changelist')}?q={number}"
    return reverse("inventory:detail", args=[number])


KINDS = [
    Kind("resource_expiry", gettext_lazy("Managed resources: expiries"), loud=True),
    Kind("resource_status", gettext_lazy("Managed resources: faults and maintenance")),
]

VERBS = [
    Verb(
        "resource_expires_soon",
        ngettext_lazy(
            "%(name)s expires in %(days)s day, on %(expires_on)s",
            "%(name)s expires in %(days)s days, on %(expires_on)s",
            "days",
        ),
        "resource_expiry",
        ORGANISATION,
        labels={"expires_on": _date},
        action=gettext_lazy("Expiring soon"),
        link=_link,
        open_link=True,
    ),
    Verb(
        "resource_expired",
        gettext_lazy("%(name)s expired on %(expires_on)s"),
        "resource_expiry",
        ORGANISATION,
        labels={"expires_on": _date},
        action=gettext_lazy("Expired"),
        link=_link,
        open_link=True,
    ),
    Verb(
        "resource_status_changed",
        gettext_lazy("%(name)s is now %(status)s"),
        "resource_status",
        ORGANISATION,
        labels={"status": _status},
        action=gettext_lazy("Resource status"),
        link=_link,
        open_link=True,
    ),
]

AREAS = [Area("resources", gettext_lazy("Resources"), "inventory:list", order=70)]


def _expiring(request, organisation):
    from .widgets import expiring_panel

    return expiring_panel(request, organisation)


WIDGETS = [
    Widget("resources_expiring", "inventory/widget.html", _expiring, order=70, column="side")
]

_VIEW = ["inventory.view_resource", "inventory.view_resourcechange"]
_EDIT = [*_VIEW, "inventory.add_resource", "inventory.change_resource"]
STAFF = {
    AGENT: _EDIT,
    SUPERVISOR: [*_EDIT, "inventory.delete_resource"],
}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("inventory", _demo, after=("accounts", "contracts", "tickets"))
