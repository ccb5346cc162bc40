"""The JSON sent to RIPE Atlas for each kind of measurement, and the probe selections."""

import pytest
from django.utils import translation

from diagnostics import definitions
from diagnostics.definitions import MAX_PROBES, build, default_probes, probes, requested
from diagnostics.errors import Refused


def test_ping():
    assert build("ping", "Example.com", af=6, options={"packets": 5}, description="#123") == {
        "type": "ping",
        "af": 6,
        "target": "example.com",
        "description": "#123",
        "packets": 5,
    }
    assert build("ping", "8.8.8.8")["packets"] == 3
    assert build("ping", "8.8.8.8")["af"] == 4  # from the address
    assert build("ping", "2001:4860:4860::8888")["af"] == 6


def test_traceroute_needs_its_protocol_and_tcp_a_port():
    with pytest.raises(Refused) as refused:
        build("traceroute", "8.8.8.8", options={})
    assert refused.value.code == "protocol"
    icmp = build("traceroute", "8.8.8.8", options={"protocol": "icmp"})
    assert icmp["protocol"] == "ICMP"
    assert "port" not in icmp
    assert build("traceroute", "8.8.8.8", options={"protocol": "UDP"})["protocol"] == "UDP"
    tcp = build("traceroute", "8.8.8.8", options={"protocol": "TCP", "port": "443"})
    assert (tcp["protocol"], tcp["port"], tcp["max_hops"]) == ("TCP", 443, 32)
    assert build("traceroute", "8.8.8.8", options={"protocol": "TCP"})["port"] == 80
    with pytest.raises(Refused) as refused:
        build("traceroute", "8.8.8.8", options={"protocol": "TCP", "port": 70000})
    assert refused.value.code == "port"


def test_dns_with_the_probes_resolvers_or_a_given_one():
    own = build("dns", None, options={"query_type": "mx", "query_argument": "Example.org"})
    assert own == {
        "type": "dns",
        "af": 4,
        "use_probe_resolver": True,
        "query_class": "IN",
        "query_type": "MX",
        "query_argument": "example.org",
        "protocol": "UDP",
        "set_rd_bit": True,
        "include_abuf": True,
        "retry": 0,
    }
    given = build("dns", "1.1.1.1", options={"query_type": "PTR", "query_argument": "8.8.8.8"})
    assert given["target"] == "1.1.1.1"
    assert "use_probe_resolver" not in given
    assert given["query_argument"] == "8.8.8.8.in-addr.arpa"
    assert build("dns", "", af=6, options={"query_argument": "example.org"})["af"] == 6


def test_dns_refuses_a_private_resolver_and_a_missing_question():
    with pytest.raises(Refused) as refused:
        build("dns", "192.168.1.1", options={"query_argument": "example.org"})
    assert refused.value.code == "private"
    with pytest.raises(Refused) as refused:
        build("dns", None, options={"query_type": "A"})
    assert refused.value.code == "required"
    with pytest.raises(Refused) as refused:
        build("dns", None, options={"query_type": "AXFR", "query_argument": "example.org"})
    assert refused.value.code == "query_type"


def test_sslcert_sends_the_name_as_sni():
    by_name = build("sslcert", "www.example.com")
    assert (by_name["port"], by_name["hostname"]) == (443, "www.example.com")
    by_address = build("sslcert", "93.184.215.14", options={"port": 8443})
    assert by_address["port"] == 8443
    assert "hostname" not in by_address
    with_sni = build("sslcert", "93.184.215.14", options={"hostname": "www.example.com"})
    assert with_sni["hostname"] == "www.example.com"
    with pytest.raises(Refused):
        build("sslcert", "93.184.215.14", options={"hostname": "printer.local"})


def test_http_only_towards_an_anchor():
    anchor = "at-vie-as1120.anchors.atlas.ripe.net"
    assert build("http", anchor, options={"path": "/4096"}) == {
        "type": "http",
        "af": 4,
        "target": anchor,
        "method": "GET",
        "path": "/4096",
        "port": 80,
        "version": "1.1",
    }
    with pytest.raises(Refused) as refused:
        build("http", "www.example.com")
    assert refused.value.code == "not_anchor"
    assert "anchors" in str(refused.value)
    for path in ["4096", "/a b", "/" + "x" * 250]:
        with pytest.raises(Refused):
            build("http", anchor, options={"path": path})


@pytest.mark.parametrize(
    ("kind", "target", "options", "code"),
    [
        ("ntp", "8.8.8.8", {}, "kind"),
        ("ping", "10.0.0.1", {}, "private"),
        ("ping", "https://example.com", {}, "url"),
        ("ping", "8.8.8.8", {"packets": 0}, "packets"),
        ("ping", "8.8.8.8", {"packets": 17}, "packets"),
        ("ping", "8.8.8.8", {"packets": "three"}, "packets"),
        ("ping", "8.8.8.8", {"packets": 2.5}, "packets"),
        ("traceroute", "8.8.8.8", {"protocol": "SCTP"}, "protocol"),
        ("traceroute", "8.8.8.8", {"protocol": "ICMP", "max_hops": 300}, "max_hops"),
        ("dns", None, {"query_argument": "example.org", "protocol": "DOH"}, "protocol"),
        ("http", "at-vie-as1120.anchors.atlas.ripe.net", {"method": "POST"}, "method"),
    ],
)
def test_refusals(kind, target, options, code):
    with pytest.raises(Refused) as refused:
        build(kind, target, options=options)
    assert refused.value.code == code


def test_an_af_other_than_4_or_6_is_refused():
    with pytest.raises(Refused) as refused:
        build("ping", "example.com", af=5)
    assert refused.value.code == "af"


def test_a_number_refusal_names_the_field_in_the_readers_language():
    with pytest.raises(Refused) as refused:
        build("ping", "8.8.8.8", options={"packets": 99})
    assert str(refused.value) == "The number of packets must be a whole number between 1 and 16."
    with translation.override("es"):
        assert str(refused.value) == (
            "El número de paquetes debe ser un número entero entre 1 y 16."
        )


def test_default_probes_are_five_in_the_country_and_five_worldwide():
    assert default_probes("cl") == [
        {"type": "country", "value": "CL", "requested": 5},
        {"type": "area", "value": "WW", "requested": 5},
    ]
    assert default_probes(None) == [{"type": "area", "value": "WW", "requested": 10}]
    assert default_probes("XX") == [{"type": "area", "value": "WW", "requested": 10}]
    assert requested(probes(default_probes("ES"))) == 10


def test_every_kind_of_selection():
    selection = [
        {"type": "area", "value": "North-East", "requested": 2},
        {"type": "country", "value": "es", "requested": 3},
        {"type": "countries", "value": ["cl", "AR", "cl"], "requested": 4},
        {"type": "countries", "value": "PE, BO", "requested": 4},
        {"type": "asn", "value": "AS3333", "requested": 5},
        {"type": "asn", "value": 27651, "requested": 5},
        {"type": "prefix", "value": "193.0.0.1/21", "requested": 5},
        {"type": "prefix", "value": "2001:67c:2e8::/48", "requested": 5},
        {"type": "msm", "value": "1001", "requested": 10},
    ]
    assert probes(selection) == [
        {"type": "area", "value": "North-East", "requested": 2},
        {"type": "country", "value": "ES", "requested": 3},
        {"type": "countries", "value": "CL,AR", "requested": 4},
        {"type": "countries", "value": "PE,BO", "requested": 4},
        {"type": "asn", "value": 3333, "requested": 5},
        {"type": "asn", "value": 27651, "requested": 5},
        {"type": "prefix", "value": "193.0.0.0/21", "requested": 5},
        {"type": "prefix", "value": "2001:67c:2e8::/48", "requested": 5},
        {"type": "msm", "value": 1001, "requested": 10},
    ]
    for area in definitions.AREAS:
        assert probes([{"type": "area", "value": area, "requested": 1}])[0]["value"] == area


def test_the_address_family_asks_for_probes_where_it_works():
    ipv6 = probes([*default_probes("NL"), {"type": "msm", "value": 5, "requested": 1}], af=6)
    assert [entry.get("tags") for entry in ipv6] == [
        {"include": ["system-ipv6-works"], "exclude": []},
        {"include": ["system-ipv6-works"], "exclude": []},
        None,  # the probes of an earlier measurement are those probes, whatever their tags
    ]
    assert probes(default_probes("NL"), af=4)[0]["tags"]["include"] == ["system-ipv4-works"]


def test_between_1_and_50_probes_in_total():
    assert requested(probes([{"type": "area", "value": "WW", "requested": MAX_PROBES}])) == 50
    with pytest.raises(Refused) as refused:
        probes(
            [
                {"type": "area", "value": "WW", "requested": 30},
                {"type": "country", "value": "CL", "requested": 21},
            ]
        )
    assert refused.value.code == "too_many"
    assert str(refused.value) == ("At most 50 probes may take part in one measurement (51 asked).")
    for count in [0, -1, 51, "many"]:
        with pytest.raises(Refused) as refused:
            probes([{"type": "area", "value": "WW", "requested": count}])
        assert refused.value.code == "requested"
    with pytest.raises(Refused) as refused:
        probes([])
    assert refused.value.code == "no_selection"


@pytest.mark.parametrize(
    ("selection", "code"),
    [
        ({"type": "area", "value": "Mars"}, "area"),
        ({"type": "area", "value": "ww"}, "area"),
        ({"type": "country", "value": "XX"}, "country"),
        ({"type": "country", "value": "Chile"}, "country"),
        ({"type": "countries", "value": []}, "country"),
        ({"type": "countries", "value": "CL,ZZ"}, "country"),
        ({"type": "asn", "value": "ASX"}, "asn"),
        ({"type": "asn", "value": 2**32}, "asn"),
        ({"type": "asn", "value": 0}, "asn_reserved"),
        ({"type": "asn", "value": 23456}, "asn_reserved"),
        ({"type": "asn", "value": 64496}, "asn_reserved"),  # documentation
        ({"type": "asn", "value": "AS64512"}, "asn_reserved"),  # private
        ({"type": "asn", "value": 65535}, "asn_reserved"),
        ({"type": "asn", "value": 4200000000}, "asn_reserved"),
        ({"type": "prefix", "value": "not a prefix"}, "prefix"),
        ({"type": "prefix", "value": "10.0.0.0/8"}, "private"),
        ({"type": "prefix", "value": "192.0.2.0/24"}, "documentation"),
        ({"type": "prefix", "value": "2001:db8::/32"}, "documentation"),
        ({"type": "prefix", "value": "0.0.0.0/0"}, "unspecified"),
        ({"type": "msm", "value": "abc"}, "msm"),
        ({"type": "msm", "value": 0}, "msm"),
        ({"type": "probes", "value": "1,2,3"}, "selection"),
    ],
)
def test_selection_refusals(selection, code):
    with pytest.raises(Refused) as refused:
        probes([{"requested": 5, **selection}])
    assert refused.value.code == code
