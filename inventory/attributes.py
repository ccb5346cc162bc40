"""What each kind of resource records beyond the common fields, and how it is checked.

A resource's kind-specific attributes live in one JSON column; this module is
the schema of that column. The admin form, the CSV import and the portal's
detail page all read the same `Attr` definitions, so a value is checked the
same way wherever it comes from and shown with the same label. Values are
stored as JSON-friendly text, numbers and lists (dates as ISO text).
"""

import datetime
import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

# A host name as DNS allows it (labels of letters, digits and hyphens), not an address.
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$", re.I
)
WILDCARD = re.compile(r"^\*\.")
SEPARATORS = re.compile(r"[\s,;]+")

TEXT, INTEGER, DECIMAL, DATE, HOST, ADDRESSES, NAMES, NETWORK, DOMAIN = (
    "text",
    "integer",
    "decimal",
    "date",
    "host",
    "addresses",
    "names",
    "network",
    "domain",
)


@dataclass(frozen=True)
class Attr:
    key: str
    label: object
    type: str = TEXT
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200
    help_text: object = ""


VENDOR = Attr("vendor", _("vendor"), max_length=100)
MODEL = Attr("model", _("model"), max_length=100)
FIRMWARE = Attr("firmware", _("firmware"), max_length=100)
MANAGEMENT = Attr(
    "management_address",
    _("management address"),
    HOST,
    help_text=_("An IPv4 or IPv6 address, or a host name."),
)
HARDWARE = (VENDOR, MODEL, FIRMWARE, MANAGEMENT)
EXPIRES = Attr("expires_on", _("expires on"), DATE)

SCHEMA: dict[str, tuple[Attr, ...]] = {
    "switch": HARDWARE,
    "router": HARDWARE,
    "firewall": HARDWARE,
    "access_point": HARDWARE,
    "server": HARDWARE,
    "virtual_machine": (
        Attr("vcpu", _("vCPU"), INTEGER, minimum=1, maximum=1024),
        Attr("ram_gb", _("RAM (GB)"), DECIMAL, minimum=0.125, maximum=65536),
        Attr("disk_gb", _("disk (GB)"), INTEGER, minimum=0, maximum=10_000_000),
        Attr("os", _("operating system"), max_length=100),
        Attr(
            "addresses",
            _("addresses"),
            ADDRESSES,
            help_text=_("IPv4 or IPv6 addresses, separated by commas or spaces."),
        ),
    ),
    "licence": (
        Attr("product", _("product"), required=True),
        Attr("seats", _("seats"), INTEGER, minimum=1, maximum=10_000_000),
        EXPIRES,
    ),
    "ssl_certificate": (
        Attr("common_name", _("common name"), required=True, max_length=253),
        Attr(
            "sans",
            _("alternative names"),
            NAMES,
            help_text=_("Host names the certificate also covers, separated by commas or spaces."),
        ),
        Attr("issuer", _("issuer"), max_length=300),
        Attr("expires_on", _("expires on"), DATE, required=True),
        Attr("fingerprint", _("SHA-256 fingerprint"), max_length=95),
    ),
    "ip_block": (
        Attr(
            "cidr",
            _("network"),
            NETWORK,
            required=True,
            help_text=_("In CIDR notation: 203.0.113.0/24 or 2001:db8::/48."),
        ),
        Attr("gateway", _("gateway"), HOST),
    ),
    "domain": (
        Attr("domain", _("domain name"), DOMAIN, required=True),
        Attr("registrar", _("registrar"), max_length=100),
        EXPIRES,
    ),
    "other": (),
}

# The kinds whose expiry the daily job warns of.
EXPIRING_KINDS = ("licence", "ssl_certificate", "domain")


def attrs_of(kind: str) -> tuple[Attr, ...]:
    return SCHEMA.get(kind, ())


def all_attrs() -> dict[str, Attr]:
    """Every attribute once, by key (the CSV's columns and the admin's fields)."""
    found = {}
    for attrs in SCHEMA.values():
        for attr in attrs:
            found.setdefault(attr.key, attr)
    return found


def _number(attr, raw, cast):
    try:
        value = cast(str(raw).strip().replace(",", ".") if cast is Decimal else raw)
    except (ValueError, TypeError, InvalidOperation):
        if cast is int:
            raise ValidationError(_("Enter a whole number."), code="invalid") from None
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if cast is Decimal and not value.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if attr.minimum is not None and value < Decimal(str(attr.minimum)):
        raise ValidationError(
            _("Ensure this value is greater than or equal to %(limit_value)s."),
            code="min_value",
            params={"limit_value": attr.minimum},
        )
    if attr.maximum is not None and value > Decimal(str(attr.maximum)):
        raise ValidationError(
            _("Ensure this value is less than or equal to %(limit_value)s."),
            code="max_value",
            params={"limit_value": attr.maximum},
        )
    return int(value) if cast is int else float(value)


def _address(raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not an IPv4 or IPv6 address."),
            code="invalid",
            params={"value": raw[:60]},
        ) from None


def _hostname(raw: str, *, wildcard=False) -> str:
    name = raw.lower().rstrip(".")
    bare = WILDCARD.sub("", name) if wildcard else name
    if not HOSTNAME.match(bare):
        raise ValidationError(
            _("“%(value)s” is not a valid host name."),
            code="invalid",
            params={"value": raw[:60]},
        )
    return name


def _name_or_address(raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return _hostname(raw, wildcard=True)


def clean_value(attr: Attr, raw):
    """The stored form of one attribute's value, or a ValidationError in the reader's language."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, "", []):
        if attr.required:
            raise ValidationError(_("This field is required."), code="required")
        return None
    if attr.type == INTEGER:
        return _number(attr, raw, int)
    if attr.type == DECIMAL:
        return _number(attr, raw, Decimal)
    if attr.type == DATE:
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        try:
            day = parse_date(str(raw))
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(_("Enter a valid date."), code="invalid")
        return day.isoformat()
    if attr.type == HOST:
        try:
            return str(ipaddress.ip_address(raw))
        except ValueError:
            return _hostname(raw)
    if attr.type == ADDRESSES:
        items = raw if isinstance(raw, list) else SEPARATORS.split(raw)
        return [_address(str(item)) for item in items if str(item).strip()] or None
    if attr.type == NAMES:
        items = raw if isinstance(raw, list) else SEPARATORS.split(raw)
        # A certificate may also cover addresses (IPv4 or IPv6) besides names.
        names = [_name_or_address(str(item)) for item in items if str(item).strip()]
        return list(dict.fromkeys(names)) or None
    if attr.type == DOMAIN:
        name = _hostname(raw)
        if "." not in name:
            raise ValidationError(
                _("“%(value)s” is not a valid host name."),
                code="invalid",
                params={"value": raw[:60]},
            )
        return name
    if attr.type == NETWORK:
        return str(parse_network(raw))
    text = str(raw)
    if len(text) > attr.max_length:
        raise ValidationError(
            _("Ensure this value has at most %(limit_value)d characters (it has %(show_value)d)."),
            code="max_length",
            params={"limit_value": attr.max_length, "show_value": len(text)},
        )
    return text


def parse_network(raw: str):
    try:
        return ipaddress.ip_network(str(raw).strip(), strict=True)
    except ValueError:
        try:
            ipaddress.ip_network(str(raw).strip(), strict=False)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a network in CIDR notation (203.0.113.0/24, 2001:db8::/48)."),
                code="invalid",
                params={"value": str(raw)[:60]},
            ) from None
        raise ValidationError(
            _("“%(value)s” has host bits set: the network is %(network)s."),
            code="host_bits",
            params={
                "value": str(raw)[:60],
                "network": ipaddress.ip_network(str(raw).strip(), strict=False),
            },
        ) from None


def clean(kind: str, data: dict) -> dict:
    """Every attribute of `kind` checked, as stored; ValidationError({key: [messages]})."""
    cleaned, errors = {}, {}
    for attr in attrs_of(kind):
        try:
            value = clean_value(attr, data.get(attr.key))
        except ValidationError as error:
            errors[attr.key] = error.messages
            continue
        if value is not None:
            cleaned[attr.key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def shown(kind: str, details: dict) -> list[tuple[object, object]]:
    """(label, value) of the attributes `details` holds, in the schema's order, for a page."""
    rows = []
    for attr in attrs_of(kind):
        value = details.get(attr.key)
        if value in (None, "", []):
            continue
        if attr.type == DATE:
            value = parse_date(value)
        elif isinstance(value, list):
            value = ", ".join(value)
        rows.append((attr.label, value))
    return rows


def expires_on(kind: str, details: dict) -> datetime.date | None:
    if kind not in EXPIRING_KINDS or not details.get("expires_on"):
        return None
    return parse_date(details["expires_on"])


def targets(kind: str, details: dict) -> list[str]:
    """The hosts and networks a network measurement may aim at, for the diagnostics panel."""
    found = []
    for key in ("management_address", "gateway", "domain", "common_name"):
        if details.get(key) and not str(details[key]).startswith("*"):
            found.append(details[key])
    found.extend(details.get("addresses") or [])
    if details.get("cidr"):
        found.append(details["cidr"])
    return list(dict.fromkeys(found))
