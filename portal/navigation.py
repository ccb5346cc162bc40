"""The portal's main areas, in the order the navigation shows them.

An area appears once its app exists: each later app adds its line here.
`manager_only` areas are shown to the organisation's managers only,
`whole_organisation` areas to its managers and assigned partners (the view
still checks; hiding the link is a courtesy, not the rule).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str
    manager_only: bool = False
    whole_organisation: bool = False


AREAS = [
    Area("dashboard", _("Dashboard"), "portal:dashboard"),
    Area("tickets", _("Tickets"), "tickets:list"),
    Area("activity", _("Activity"), "activity:feed"),
    Area("contracts", _("Contracts"), "contracts:list", whole_organisation=True),
    Area("team", _("Team"), "accounts:team", manager_only=True),
]
