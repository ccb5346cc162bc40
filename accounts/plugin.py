"""What accounts adds to the shared parts (core/plugins.py).

Team events, the Team page and the demo's organisations and people.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.plugins import ORGANISATION, Area, DemoStep, Kind, Verb

from .roles import AGENT, SUPERVISOR


def _role(value) -> str:
    from .models import PARTNER, Role

    if value == PARTNER:
        return _("partner")
    try:
        return str(Role(value).label).lower()
    except ValueError:
        return value


def _team_page(event, *, staff):
    from django.urls import reverse

    return None if staff else reverse("accounts:team")


def _team_verb(key, template):
    return Verb(key, template, "team", ORGANISATION, labels={"role": _role}, link=_team_page)


KINDS = [Kind("team", gettext_lazy("Team"))]

VERBS = [
    _team_verb("member_invited", gettext_lazy("%(actor)s invited %(email)s to join as %(role)s")),
    _team_verb("member_joined", gettext_lazy("%(actor)s joined the organisation")),
    _team_verb("member_role_changed", gettext_lazy("%(actor)s made %(member)s a %(role)s")),
    _team_verb("member_deactivated", gettext_lazy("%(actor)s deactivated %(member)s")),
    _team_verb("member_reactivated", gettext_lazy("%(actor)s reactivated %(member)s")),
]

AREAS = [Area("team", gettext_lazy("Team"), "accounts:team", order=90, manager_only=True)]


def _demo(demo):
    from .demo import load

    load(demo)


DEMO = DemoStep("accounts", _demo)

_VIEW_ACCOUNTS = [
    "accounts.view_organisation",
    "accounts.view_user",
    "accounts.view_membership",
    "accounts.view_partner",
    "accounts.view_partnerassignment",
    "accounts.view_invitation",
]

# Supervisors also manage organisations, people and partners.
STAFF = {
    AGENT: _VIEW_ACCOUNTS,
    SUPERVISOR: [
        *_VIEW_ACCOUNTS,
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.add_partner",
        "accounts.change_partner",
        "accounts.add_partnerassignment",
        "accounts.change_partnerassignment",
        "accounts.delete_partnerassignment",
        "accounts.change_invitation",
    ],
}
