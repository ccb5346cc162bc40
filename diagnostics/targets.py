"""Which hosts and addresses a measurement may target, checked before anything is sent.

RIPE Atlas probes sit in other people's networks: a private, loopback or
link-local target would measure the probe's own surroundings, and reserved or
documentation ranges reach nothing. Python's `ipaddress` flags most of these,
but the Python this project runs on misses several (100.64.0.0/10 is not
"private", 192.0.0.0/24 and 3fff::/20 count as global), so the special-purpose
ranges are listed here from the IANA registries, most specific first.

Host names are checked as RFC 1123 names after IDNA encoding (which also maps
full-width digits and dots: an address typed in them is refused, not taken for a
name), and
names that only mean something inside a network (localhost, .local, .internal,
.lan, .home.arpa, single labels) are refused: Atlas would resolve them on its
servers, and either fail or measure someone else's.
"""

import ipaddress
import re
from dataclasses import dataclass

import idna
from django.utils.translation import gettext_lazy as _

from .errors import Refused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MESSAGES = {
    "unspecified": _("%(address)s is the unspecified address: type the address of a host."),
    "loopback": _(
        "%(address)s is a loopback address: each probe would measure itself. Type a public address."
    ),
    "private": _(
        "%(address)s is a private address, not reachable from the Internet. Type a public address."
    ),
    "shared": _(
        "%(address)s is in the shared address space of carrier-grade NAT, "
        "not reachable from the Internet. Type a public address."
    ),
    "link_local": _(
        "%(address)s is a link-local address, only reachable on its own network segment."
    ),
    "multicast": _("%(address)s is a multicast address: type the address of one host."),
    "documentation": _(
        "%(address)s is in a range reserved for documentation and examples: type a real address."
    ),
    "benchmarking": _("%(address)s is in the range reserved for benchmarking networks."),
    "reserved": _("%(address)s is in a reserved range, not reachable on the Internet."),
    "teredo": _(
        "%(address)s is a Teredo tunnel address, which cannot be measured: "
        "type the host's own address."
    ),
    "mapped": _("%(address)s is an IPv4 address written as IPv6: type %(ipv4)s and choose IPv4."),
}

_V4 = [
    ("0.0.0.0/32", "unspecified"),
    ("0.0.0.0/8", "reserved"),  # "this network"
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link_local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),  # 6to4 relay anycast, deprecated (RFC 7526)
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # and the broadcast address
]
# None: a public part of a range listed after it. "embedded": the IPv4 address
# inside is what is reached (NAT64, 6to4), so that address decides.
_V6 = [
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "mapped"),
    ("::/96", "reserved"),  # IPv4-compatible, deprecated
    ("64:ff9b::/96", "embedded"),
    ("64:ff9b:1::/48", "private"),  # local-use NAT64
    ("100::/64", "reserved"),  # discard-only
    ("2001::/32", "teredo"),
    ("2001:1::1/128", None),  # port control protocol anycast
    ("2001:1::2/128", None),  # TURN anycast
    ("2001:2::/48", "benchmarking"),
    ("2001:3::/32", None),  # AMT
    ("2001:4:112::/48", None),  # AS112
    ("2001::/23", "reserved"),  # IETF protocol assignments, ORCHID
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "embedded"),  # 6to4
    ("3fff::/20", "documentation"),
    ("5f00::/16", "reserved"),  # SRv6 SIDs
    ("fc00::/7", "private"),
    ("fe80::/10", "link_local"),
    ("fec0::/10", "private"),  # site-local, deprecated
    ("ff00::/8", "multicast"),
]
_V4_RANGES = [(ipaddress.ip_network(net), code) for net, code in _V4]
_V6_RANGES = [(ipaddress.ip_network(net), code) for net, code in _V6]
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")

# Names that resolve only inside a network, or never: RFC 6761, 6762, 7686,
# 8375, 9476 and the ICANN name-collision list (corp, home, lan...).
SPECIAL_SUFFIXES = (
    "localhost",
    "local",
    "internal",
    "lan",
    "home.arpa",
    "localdomain",
    "home",
    "corp",
    "intranet",
    "private",
    "test",
    "example",
    "invalid",
    "onion",
    "alt",
)

ANCHOR_DOMAIN = "anchors.atlas.ripe.net"

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_TOP_LABEL = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_HOST_PORT = re.compile(r"^(?P<host>[^:\[\]]+|\[[^\]]*\]):(?P<port>\d+)$")

# Record types a DNS measurement may ask for, in the order of the picker.
QUERY_TYPES = [
    ("A", _("A: IPv4 addresses")),
    ("AAAA", _("AAAA: IPv6 addresses")),
    ("CNAME", _("CNAME: alias")),
    ("MX", _("MX: mail servers")),
    ("NS", _("NS: name servers")),
    ("TXT", _("TXT: text records (SPF, verification)")),
    ("SOA", _("SOA: zone authority and serial")),
    ("PTR", _("PTR: reverse name of an address")),
    ("SRV", _("SRV: service locations")),
    ("DS", _("DS: delegation signer (DNSSEC)")),
    ("DNSKEY", _("DNSKEY: zone keys (DNSSEC)")),
    ("TLSA", _("TLSA: certificate associations (DANE)")),
]
_ZONE_TYPES = {"NS", "SOA", "DS", "DNSKEY"}  # may ask about a top-level domain


@dataclass(frozen=True)
class Target:
    """A checked target: `host` as Atlas should get it (an address, or an ASCII name);
    `address` when it is an address; `af` 4 or 6."""

    host: str
    address: str | None
    af: int


def check_target(text: str, *, kind: str = "ping", af: int | None = None) -> Target:
    """The target typed for a measurement of `kind`, or Refused (code says why).

    A name keeps `af` (4 when not given): Atlas resolves it for that family.
    An address decides the family; a different `af` is refused.
    """
    host = _bare_host(text)
    address = _as_address(host)
    if address is None:
        name = check_host_name(host)
        if kind == "http" and not is_anchor(name):
            raise Refused(
                _(
                    "RIPE Atlas only measures HTTP towards its anchors "
                    "(names ending in .anchors.atlas.ripe.net). "
                    "Use ping, traceroute or an SSL certificate check for other hosts."
                ),
                code="not_anchor",
                params={"name": host},
            )
        return Target(host=name, address=None, af=af or 4)
    if kind == "http":
        raise Refused(
            _(
                "RIPE Atlas only measures HTTP towards its anchors: "
                "type the anchor's name, such as nl-ams-as3333.anchors.atlas.ripe.net."
            ),
            code="not_anchor",
            params={"name": host},
        )
    check_address(address, shown=host)
    if af and af != address.version:
        raise Refused(
            _("%(address)s is an IPv%(version)s address: choose IPv%(version)s."),
            code="family",
            params={"address": str(address), "version": address.version},
        )
    return Target(host=str(address), address=str(address), af=address.version)


def check_address(address: IPAddress | str, *, shown: str | None = None) -> None:
    """Refused unless RIPE Atlas probes can reach `address` on the Internet.

    `shown`: the address as the person typed it, for the message.
    """
    address = ipaddress.ip_address(address) if isinstance(address, str) else address
    code = _range_code(address)
    if code is None:
        return
    params = {"address": shown or str(address)}
    if code == "mapped":
        inner = address.ipv4_mapped
        if (inner_code := _range_code(inner)) is not None:
            code = inner_code
        else:
            params["ipv4"] = str(inner)
    raise Refused(MESSAGES[code], code=code, params=params)


def _range_code(address: IPAddress) -> str | None:
    ranges = _V4_RANGES if address.version == 4 else _V6_RANGES
    for network, code in ranges:
        if address in network:
            if code == "embedded":
                return _range_code(_embedded_ipv4(address))
            return code
    if address.version == 6 and address not in _GLOBAL_UNICAST:
        return "reserved"  # not allocated for unicast
    if address.is_multicast:
        return "multicast"
    if address.is_private or address.is_reserved or not address.is_global:
        return "reserved"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    if address.sixtofour is not None:
        return address.sixtofour
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)  # NAT64: the last 32 bits


def check_host_name(name: str, *, dns: bool = False, zone: bool = False) -> str:
    """`name` as an ASCII, lower-case host name without the final dot, or Refused.

    `dns`: a name asked about in a DNS query, where labels may start with "_"
    (_dmarc, _sip._tcp). `zone`: a top-level domain alone is a valid question.
    """
    ascii_name = _to_ascii(name)
    if ascii_name is None or _as_address(ascii_name) is not None:
        raise _invalid_name(name)  # _as_address: an address in disguise (full-width digits)
    labels = ascii_name.split(".")
    pattern = _DNS_LABEL if dns else _LABEL
    if len(ascii_name) > 253 or not all(pattern.match(label) for label in labels):
        raise _invalid_name(name)
    if not _TOP_LABEL.match(labels[-1]):
        raise _invalid_name(name)  # 1.2.3, 10.0.0.1.5, 0x7f.1: junk that looks like an address
    for suffix in SPECIAL_SUFFIXES:
        if ascii_name == suffix or ascii_name.endswith("." + suffix):
            raise Refused(
                _(
                    "“%(name)s” only has a meaning inside a private network: "
                    "type a public host name."
                ),
                code="special_name",
                params={"name": name},
            )
    if len(labels) == 1 and not zone:
        raise Refused(
            _("“%(name)s” is not a full host name: type one like www.example.com."),
            code="single_label",
            params={"name": name},
        )
    return ascii_name


def is_anchor(name: str) -> bool:
    """Whether `name` (ASCII, lower case) is a RIPE Atlas anchor, the only HTTP targets."""
    anchor, _dot, domain = name.partition(".")
    return domain == ANCHOR_DOMAIN and bool(_LABEL.match(anchor))


def _to_ascii(name: str) -> str | None:
    """Lower-case ASCII labels, IDNA-encoding the others; None if it cannot be encoded.

    Mapped as UTS 46 says (full-width forms, ideographic full stops) without its
    STD3 rules, so that "_" stays for DNS names; the labels are checked after.
    """
    try:
        mapped = idna.uts46_remap(name, std3_rules=False, transitional=False)
        mapped = mapped.removesuffix(".")  # the root: "example.com." is example.com
        labels = []
        for label in mapped.split("."):
            if not label.isascii():
                label = idna.alabel(label).decode("ascii")
            elif label.startswith("xn--"):
                idna.ulabel(label)  # refuses a broken punycode label
            labels.append(label.lower())
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return ".".join(labels)


def check_query(query_type: str, argument: str) -> str:
    """The name a DNS measurement asks about, as Atlas wants it, or Refused.

    For PTR an address may be typed: it becomes its reverse name.
    """
    query_type = (query_type or "").upper()
    if query_type not in dict(QUERY_TYPES):
        raise Refused(
            _("Choose a record type from the list."),
            code="query_type",
            params={"type": query_type},
        )
    text = (argument or "").strip()
    if not text:
        raise Refused(_("Type the name to look up."), code="required")
    if query_type == "PTR" and (address := _as_address(text)) is not None:
        return address.reverse_pointer
    if "://" in text or "/" in text or " " in text:
        raise _invalid_name(text)
    name = text.rstrip(".").lower()
    if query_type == "PTR" and (name.endswith(".in-addr.arpa") or name.endswith(".ip6.arpa")):
        if not all(_LABEL.match(label) for label in name.split(".")):
            raise _invalid_name(text)
        return name
    return check_host_name(text, dns=True, zone=query_type in _ZONE_TYPES)


def _bare_host(text: str) -> str:
    """The host of what was typed, refusing URLs, paths, ports and blanks."""
    host = (text or "").strip()
    if not host:
        raise Refused(_("Type a host name or an address."), code="required")
    if "://" in host or host.startswith("//") or any(c in host for c in "/?#@"):
        try:
            ipaddress.ip_network(host, strict=False)
        except ValueError:
            pass
        else:
            raise Refused(
                _("%(text)s is a network: type one address in it."),
                code="network",
                params={"text": host},
            )
        raise Refused(
            _("Type only the host name or address, without http:// or a path."),
            code="url",
            params={"text": host},
        )
    if any(c.isspace() for c in host) or any(ord(c) < 32 for c in host):
        raise _invalid_name(host)
    if host.startswith("[") and host.endswith("]"):
        inner = host[1:-1]
        if isinstance(_as_address(inner), ipaddress.IPv6Address):
            return inner
        raise _invalid_name(host)
    if match := _HOST_PORT.match(host):
        raise Refused(
            _("Type only the host name or address, without the port (:%(port)s)."),
            code="port",
            params={"port": match["port"], "text": host},
        )
    return host


def _as_address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None  # fe80::1%eth0: a zone only means something on one machine
    return address


def _invalid_name(name: str) -> Refused:
    return Refused(
        _("“%(name)s” is not a valid host name or address."),
        code="invalid",
        params={"name": name},
    )
