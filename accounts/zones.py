"""Time zones as people pick them, and the country each one belongs to.

The IANA database has ~600 names, many of them aliases ("US/Eastern"), internals
("Factory", "localtime", "Etc/GMT+3") or research stations. People choose from the
zones the database itself lists per country (zone.tab), grouped by region and
labelled by city; the country of a zone also picks date formats (core.i18n).
"""

import functools
import zoneinfo

from django.utils.translation import gettext_lazy as _

from core.i18n import zone_countries

# The regions shown as groups, in the order of the select.
REGIONS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}
UTC = "UTC"


@functools.cache
def offered_zones() -> tuple[str, ...]:
    """The zones offered in a select: one per city that zone.tab lists, in our regions.

    Without a zone.tab (a stripped-down image), every region/city name the
    database knows, still without the aliases and internals outside the regions.
    """
    names = zone_countries().keys() or zoneinfo.available_timezones()
    return tuple(sorted(n for n in names if n.split("/", 1)[0] in REGIONS and "/" in n))


def label(name: str, *, region: bool = False) -> str:
    """'America/Argentina/Buenos_Aires' -> 'Buenos Aires (Argentina)'.

    With `region`, for an option outside its region's group:
    'Buenos Aires (America/Argentina)'.
    """
    parts = name.replace("_", " ").split("/")
    if len(parts) == 1:
        return parts[0]
    within = parts[:-1] if region else parts[1:-1]
    return f"{parts[-1]} ({'/'.join(within)})" if within else parts[-1]


def choices(*, first: str | None = None, current: str | None = None) -> list:
    """Grouped choices for a select: `first` (the organisation's zone) on top, then UTC.

    `current` (the value already stored) is kept even when it is not offered,
    an alias from before this list, so that saving a form does not change it.
    """
    offered = offered_zones()
    top = [first] if first and _is_known(first) else []
    if current and current not in offered and current not in (UTC, first) and _is_known(current):
        top.append(current)
    result: list = [(name, label(name, region=True)) for name in top]
    if UTC not in top:
        result.append((UTC, UTC))
    grouped: dict[str, list] = {region: [] for region in REGIONS}
    for name in offered:
        grouped[name.split("/", 1)[0]].append((name, label(name)))
    for region, title in REGIONS.items():
        if grouped[region]:
            result.append((title, sorted(grouped[region], key=lambda option: option[1])))
    return result


def _is_known(name: str) -> bool:
    return name in zoneinfo.available_timezones()
