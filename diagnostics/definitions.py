"""The JSON RIPE Atlas wants for a one-off measurement, built from a plain request.

`build()` makes one entry of `definitions[]`, `probes()` the `probes[]` list;
`atlas.AtlasClient.create(definitions, probes, key=...)` sends them. Both check
what they are given (targets through `targets.check_target`) and refuse with a
`Refused` whose message is written for the person who asked.
"""

import ipaddress

import pytz
from django.utils.translation import gettext_lazy as _

from .errors import Refused
from .targets import check_address, check_host_name, check_query, check_target

KINDS = ("ping", "traceroute", "dns", "sslcert", "http")
PROTOCOLS = ("ICMP", "UDP", "TCP")
AREAS = ("WW", "West", "North-Central", "South-Central", "North-East", "South-East")
SELECTION_TYPES = ("area", "country", "countries", "asn", "prefix", "msm")
MAX_PROBES = 50
DEFAULT_PER_SELECTION = 5
# Reserved and private AS numbers (RFC 5398, 6996, 7300, 7607; 23456 is AS_TRANS).
_RESERVED_ASNS = [
    (0, 0),
    (23456, 23456),
    (64496, 131071),
    (4200000000, 4294967295),
]


def build(
    kind: str,
    target: str | None,
    *,
    af: int | None = None,
    options: dict | None = None,
    description: str = "",
) -> dict:
    """One Atlas definition for a measurement of `kind` towards `target`.

    options, by kind (all optional unless said):
      ping:       packets (1-16, 3)
      traceroute: protocol ICMP|UDP|TCP (required), port (TCP, 80), packets (1-16, 3),
                  max_hops (1-255, 32)
      dns:        query_type (see targets.QUERY_TYPES, "A"), query_argument (required),
                  protocol UDP|TCP (UDP); `target` is the resolver, or None for the
                  probes' own resolvers
      sslcert:    port (443), hostname (the SNI; the target when it is a name)
      http:       path ("/"), port (80), method GET|HEAD (GET); `target` must be an anchor
    """
    options = dict(options or {})
    if kind not in KINDS:
        raise Refused(_("Choose a kind of measurement."), code="kind", params={"kind": kind})
    if af not in (None, 4, 6):
        raise Refused(_("Choose IPv4 or IPv6."), code="af", params={"af": af})
    definition = {"type": kind}
    if kind == "dns" and not target:
        definition.update({"af": af or 4, "use_probe_resolver": True})
    else:
        checked = check_target(target or "", kind=kind, af=af)
        definition.update({"af": checked.af, "target": checked.host})
    if description:
        definition["description"] = str(description)[:200]
    definition.update(_BUILDERS[kind](options, definition))
    return definition


def _ping(options, definition):
    return {"packets": _number(options, "packets", 3, 1, 16)}


def _traceroute(options, definition):
    protocol = str(options.get("protocol") or "").upper()
    if protocol not in PROTOCOLS:
        raise Refused(
            _("Choose the protocol of the traceroute: ICMP, UDP or TCP."),
            code="protocol",
            params={"protocol": protocol},
        )
    built = {
        "protocol": protocol,
        "packets": _number(options, "packets", 3, 1, 16),
        "max_hops": _number(options, "max_hops", 32, 1, 255),
        "paris": 16,
    }
    if protocol == "TCP":
        built["port"] = _port(options, 80)
    return built


def _dns(options, definition):
    query_type = str(options.get("query_type") or "A").upper()
    protocol = str(options.get("protocol") or "UDP").upper()
    if protocol not in ("UDP", "TCP"):
        raise Refused(
            _("Choose UDP or TCP for the DNS query."),
            code="protocol",
            params={"protocol": protocol},
        )
    return {
        "query_class": "IN",
        "query_type": query_type,
        "query_argument": check_query(query_type, options.get("query_argument") or ""),
        "protocol": protocol,
        "set_rd_bit": True,
        "include_abuf": True,
        "retry": 0,
    }


def _sslcert(options, definition):
    built = {"port": _port(options, 443)}
    hostname = options.get("hostname") or ""
    if hostname:
        built["hostname"] = check_host_name(str(hostname).strip())
    elif "target" in definition and not _is_address(definition["target"]):
        built["hostname"] = definition["target"]
    return built


def _http(options, definition):
    path = str(options.get("path") or "/")
    if not path.startswith("/") or len(path) > 200 or not path.isprintable() or " " in path:
        raise Refused(
            _("The path must start with / and have no spaces, such as /4096."),
            code="path",
            params={"path": path},
        )
    method = str(options.get("method") or "GET").upper()
    if method not in ("GET", "HEAD"):
        raise Refused(_("Choose GET or HEAD."), code="method", params={"method": method})
    return {"method": method, "path": path, "port": _port(options, 80), "version": "1.1"}


_BUILDERS = {
    "ping": _ping,
    "traceroute": _traceroute,
    "dns": _dns,
    "sslcert": _sslcert,
    "http": _http,
}


def probes(spec: list[dict], *, af: int | None = None) -> list[dict]:
    """Atlas' `probes[]` from a selection, checked: the total requested is 1 to MAX_PROBES.

    `spec` items are shaped like Atlas' own: {"type", "value", "requested"}, with
    type one of SELECTION_TYPES: area (AREAS), country (ISO code), countries (a
    list or "CL,AR"), asn (a number, "AS" prefix accepted), prefix (a public
    network), msm (reuse the probes of an earlier measurement, by its id).
    `af` asks for probes whose IPv4 or IPv6 works (Atlas' system tags).
    """
    if not spec:
        raise Refused(_("Choose where the probes should be."), code="no_selection")
    total = 0
    entries = []
    for item in spec:
        entry = _selection(item)
        total += entry["requested"]
        if af in (4, 6) and entry["type"] != "msm":
            entry["tags"] = {"include": [f"system-ipv{af}-works"], "exclude": []}
        entries.append(entry)
    if total > MAX_PROBES:
        raise Refused(
            _("At most %(max)s probes may take part in one measurement (%(count)s asked)."),
            code="too_many",
            params={"max": MAX_PROBES, "count": total},
        )
    return entries


def default_probes(country: str | None) -> list[dict]:
    """The usual selection: 5 probes in the client's country and 5 worldwide."""
    worldwide = {"type": "area", "value": "WW", "requested": DEFAULT_PER_SELECTION}
    code = (country or "").strip().upper()
    if code not in pytz.country_names:
        return [{**worldwide, "requested": 2 * DEFAULT_PER_SELECTION}]
    return [{"type": "country", "value": code, "requested": DEFAULT_PER_SELECTION}, worldwide]


def requested(spec: list[dict]) -> int:
    """How many probes a checked selection asks for (what Atlas may charge for)."""
    return sum(int(item["requested"]) for item in spec)


def _selection(item: dict) -> dict:
    kind = item.get("type")
    value = item.get("value")
    count = _number(item, "requested", DEFAULT_PER_SELECTION, 1, MAX_PROBES, code="requested")
    if kind == "area":
        if value not in AREAS:
            raise Refused(_("Choose an area from the list."), code="area", params={"area": value})
    elif kind == "country":
        value = _country(value)
    elif kind == "countries":
        names = value.split(",") if isinstance(value, str) else list(value or [])
        codes = list(dict.fromkeys(_country(name) for name in names if str(name).strip()))
        if not codes:
            raise Refused(_("Choose at least one country."), code="country")
        value = ",".join(codes)
    elif kind == "asn":
        value = _asn(value)
    elif kind == "prefix":
        value = _prefix(value)
    elif kind == "msm":
        value = _number({"id": value}, "id", None, 1, 2**31 - 1, code="msm")
    else:
        raise Refused(
            _("Choose where the probes should be."), code="selection", params={"type": kind}
        )
    return {"type": kind, "value": value, "requested": count}


def _country(value) -> str:
    code = str(value or "").strip().upper()
    if code not in pytz.country_names:
        raise Refused(
            _("“%(country)s” is not a country code (two letters, such as CL or ES)."),
            code="country",
            params={"country": value or ""},
        )
    return code


def _asn(value) -> int:
    text = str("" if value is None else value).strip().upper().removeprefix("AS")
    if not text.isdigit() or not 0 <= int(text) <= 4294967295:
        raise Refused(
            _("“%(asn)s” is not an AS number (such as AS3333)."),
            code="asn",
            params={"asn": value or ""},
        )
    asn = int(text)
    if any(low <= asn <= high for low, high in _RESERVED_ASNS):
        raise Refused(
            _("AS%(asn)s is a private or reserved AS number: no probe is in it."),
            code="asn_reserved",
            params={"asn": asn},
        )
    return asn


def _prefix(value) -> str:
    try:
        network = ipaddress.ip_network(str(value or "").strip(), strict=False)
    except ValueError:
        raise Refused(
            _("“%(prefix)s” is not a network prefix (such as 193.0.0.0/21)."),
            code="prefix",
            params={"prefix": value or ""},
        ) from None
    check_address(network.network_address, shown=str(network))
    check_address(network.broadcast_address, shown=str(network))
    return str(network)


def _number(options, name, default, low, high, *, code=None):
    value = options.get(name)
    if value in (None, ""):
        if default is None:
            value = low - 1  # refused below
        else:
            return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if isinstance(value, float) and not value.is_integer():
        number = low - 1
    if not low <= number <= high:
        raise Refused(
            _("%(field)s must be a whole number between %(low)s and %(high)s."),
            code=code or name,
            params={"field": _FIELDS[name], "low": low, "high": high, "value": value},
        )
    return number


_FIELDS = {
    "packets": _("The number of packets"),
    "max_hops": _("The maximum number of hops"),
    "port": _("The port"),
    "requested": _("The number of probes"),
    "id": _("The measurement number"),
}


def _port(options, default):
    return _number(options, "port", default, 1, 65535)


def _is_address(text) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
