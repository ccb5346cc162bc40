"""What a measurement may target: public addresses and real host names, nothing else."""

import ipaddress

import pytest
from django.utils import translation

from diagnostics.errors import Refused
from diagnostics.targets import (
    QUERY_TYPES,
    Target,
    check_address,
    check_query,
    check_target,
    is_anchor,
)

# One address in every special-purpose range, and why it is refused.
REFUSED_V4 = [
    ("0.0.0.0", "unspecified"),  # noqa: S104 (a target, not a bind address)
    ("0.1.2.3", "reserved"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.1", "shared"),
    ("100.127.255.254", "shared"),
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("169.254.169.254", "link_local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.9", "reserved"),
    ("192.0.0.170", "reserved"),
    ("192.0.2.10", "documentation"),
    ("192.88.99.1", "reserved"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.200", "documentation"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
]
REFUSED_V6 = [
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::10.0.0.1", "reserved"),  # IPv4-compatible, deprecated
    ("64:ff9b:1::1", "private"),
    ("100::1", "reserved"),
    ("2001::1", "teredo"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:10::1", "reserved"),
    ("2001:20::1", "reserved"),
    ("2001:db8::1", "documentation"),
    ("2001:db8:ffff::1", "documentation"),
    ("3fff::1", "documentation"),
    ("5f00::1", "reserved"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    ("fe80::1", "link_local"),
    ("febf::1", "link_local"),
    ("fec0::1", "private"),
    ("ff02::1", "multicast"),
    ("ff0e::101", "multicast"),
    ("4000::1", "reserved"),  # outside 2000::/3, not allocated
    ("64:ff9b::c0a8:101", "private"),  # NAT64 of 192.168.1.1
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("2002:c0a8:101::1", "private"),  # 6to4 of 192.168.1.1
    ("2002:c000:204::1", "documentation"),  # 6to4 of 192.0.2.4
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "193.0.14.129",
    "200.1.121.5",
    "192.31.196.1",  # AS112: public anycast
    "2001:4860:4860::8888",
    "2a00:1450:4003:80e::200e",
    "2001:4:112::1",  # AS112
    "2001:3::1",  # AMT
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize(("address", "code"), REFUSED_V4 + REFUSED_V6)
def test_every_special_range_is_refused_with_its_reason(address, code):
    with pytest.raises(Refused) as refused:
        check_target(address)
    assert refused.value.code == code
    assert address in str(refused.value)


@pytest.mark.parametrize(("address", "code"), REFUSED_V4)
def test_ipv4_mapped_ipv6_of_a_special_address_is_refused_for_the_address_inside(address, code):
    mapped = f"::ffff:{address}"
    with pytest.raises(Refused) as refused:
        check_target(mapped)
    assert refused.value.code == code
    assert mapped in str(refused.value)


def test_ipv4_mapped_ipv6_of_a_public_address_asks_for_the_ipv4_address():
    with pytest.raises(Refused) as refused:
        check_target("::ffff:8.8.8.8")
    assert refused.value.code == "mapped"
    assert "type 8.8.8.8 and choose IPv4" in str(refused.value)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_accepted_with_their_family(address):
    target = check_target(address)
    assert target == Target(address, address, ipaddress.ip_address(address).version)


def test_every_special_network_is_covered_at_both_ends():
    # The first and last address of each range, not only the sample above.
    for network in ["100.64.0.0/10", "198.18.0.0/15", "192.0.0.0/24", "2001:db8::/32", "3fff::/20"]:
        net = ipaddress.ip_network(network)
        for address in (net[1], net[-1]):
            with pytest.raises(Refused):
                check_address(address)


def test_a_family_that_does_not_match_the_address_is_refused():
    with pytest.raises(Refused) as refused:
        check_target("8.8.8.8", af=6)
    assert refused.value.code == "family"
    assert check_target("2001:4860:4860::8888", af=6).af == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", "example.com"),
        ("WWW.Example.COM", "www.example.com"),
        ("example.com.", "example.com"),
        ("  andesfibra.cl  ", "andesfibra.cl"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("ｗｗｗ.ｅｘａｍｐｌｅ.ｃｏｍ", "www.example.com"),  # noqa: RUF001 (full-width on purpose)
        ("a-b.c-d.net", "a-b.c-d.net"),
        ("[2606:4700:4700::1111]", "2606:4700:4700::1111"),
    ],
)
def test_host_names_are_normalised(text, expected):
    assert check_target(text).host == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("1.2.3", "invalid"),
        ("1.2.3.4.5", "invalid"),
        ("999.1.1.1", "invalid"),
        ("017.0.0.1", "invalid"),  # octal-looking: refused, not guessed
        ("0x7f.0.0.1", "invalid"),
        ("2130706433", "invalid"),  # 127.0.0.1 as a number
        ("１２７．０．０．１", "invalid"),  # noqa: RUF001 (127.0.0.1 in full-width forms)
        ("a..b.com", "invalid"),
        ("-leading.com", "invalid"),
        ("trailing-.com", "invalid"),
        ("under_score.com", "invalid"),
        ("exa mple.com", "invalid"),
        ("tab\texample.com", "invalid"),
        ("example.com;rm -rf /", "url"),
        ("example.com\x00", "invalid"),
        ("<script>.com", "invalid"),
        ("example.com'", "invalid"),
        ("xn--zz.com", "invalid"),  # broken punycode
        ("a" * 64 + ".com", "invalid"),  # label over 63
        (".".join(["abcdefghi"] * 26) + ".com", "invalid"),  # name over 253
        ("fe80::1%eth0", "invalid"),
        ("[example.com]", "invalid"),
        ("localhost", "special_name"),
        ("LOCALHOST.", "special_name"),
        ("app.localhost", "special_name"),
        ("printer.local", "special_name"),
        ("db.internal", "special_name"),
        ("nas.lan", "special_name"),
        ("router.home.arpa", "special_name"),
        ("box.localdomain", "special_name"),
        ("www.example", "special_name"),
        ("x.test", "special_name"),
        ("x.invalid", "special_name"),
        ("hidden.onion", "special_name"),
        ("intranet", "special_name"),
        ("server", "single_label"),
        ("cl", "single_label"),
        ("http://example.com", "url"),
        ("https://example.com/status", "url"),
        ("//example.com", "url"),
        ("example.com/path", "url"),
        ("example.com?x=1", "url"),
        ("user@example.com", "url"),
        ("ftp://192.0.2.1", "url"),
        ("example.com:443", "port"),
        ("8.8.8.8:53", "port"),
        ("[2001:4860:4860::8888]:443", "port"),
        ("10.0.0.0/8", "network"),
        ("2001:db8::/32", "network"),
    ],
)
def test_hostile_or_wrong_input_is_refused_with_a_reason(text, code):
    with pytest.raises(Refused) as refused:
        check_target(text)
    assert refused.value.code == code
    assert str(refused.value)  # a message, not only a code


def test_a_pasted_url_or_port_is_answered_with_what_to_type():
    with pytest.raises(Refused) as refused:
        check_target("https://example.com/")
    assert str(refused.value) == "Type only the host name or address, without http:// or a path."
    with pytest.raises(Refused) as refused:
        check_target("example.com:8443")
    assert str(refused.value) == ("Type only the host name or address, without the port (:8443).")


def test_refusals_are_translated_when_read():
    with pytest.raises(Refused) as refused:
        check_target("192.168.1.1")
    with translation.override("es"):
        assert str(refused.value).startswith("192.168.1.1 es una dirección privada")
    with translation.override("fr"):
        assert "adresse privée" in refused.value.messages[0]


def test_http_goes_only_to_anchors():
    anchor = "nl-ams-as3333.anchors.atlas.ripe.net"
    assert check_target(anchor, kind="http").host == anchor
    assert is_anchor(anchor)
    for target in [
        "example.com",
        "anchors.atlas.ripe.net",
        "x.y.anchors.atlas.ripe.net",
        "8.8.8.8",
    ]:
        with pytest.raises(Refused) as refused:
            check_target(target, kind="http")
        assert refused.value.code == "not_anchor"
    assert check_target("example.com", kind="ping").host == "example.com"


@pytest.mark.parametrize(
    ("query_type", "argument", "expected"),
    [
        ("A", "Example.COM.", "example.com"),
        ("MX", "bücher.de", "xn--bcher-kva.de"),
        ("TXT", "_dmarc.example.com", "_dmarc.example.com"),
        ("SRV", "_sip._tcp.example.com", "_sip._tcp.example.com"),
        ("ns", "cl", "cl"),  # a top-level domain's name servers
        ("SOA", "org", "org"),
        ("PTR", "8.8.8.8", "8.8.8.8.in-addr.arpa"),
        ("PTR", "2001:4860::1", ipaddress.ip_address("2001:4860::1").reverse_pointer),
        ("PTR", "8.8.8.8.in-addr.arpa.", "8.8.8.8.in-addr.arpa"),
    ],
)
def test_dns_questions_are_normalised(query_type, argument, expected):
    assert check_query(query_type, argument) == expected


@pytest.mark.parametrize(
    ("query_type", "argument", "code"),
    [
        ("ANY", "example.com", "query_type"),
        ("AXFR", "example.com", "query_type"),
        ("", "example.com", "query_type"),
        ("A", "", "required"),
        ("A", "cl", "single_label"),
        ("A", "https://example.com", "invalid"),
        ("A", "printer.local", "special_name"),
        ("A", "1.2.3", "invalid"),
        ("TXT", "exa mple.com", "invalid"),
    ],
)
def test_dns_questions_are_refused_when_wrong(query_type, argument, code):
    with pytest.raises(Refused) as refused:
        check_query(query_type, argument)
    assert refused.value.code == code


def test_record_types_are_the_pickers_choices_with_labels():
    codes = [code for code, _label in QUERY_TYPES]
    assert codes[:2] == ["A", "AAAA"]
    assert {"MX", "NS", "TXT", "SOA", "PTR", "CNAME"} <= set(codes)
    with translation.override("es"):
        assert str(dict(QUERY_TYPES)["MX"]) == "MX: servidores de correo"
