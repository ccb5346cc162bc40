"""Every sample result parsed into what pages show, and the thread's summary line."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import translation

from diagnostics import samples
from diagnostics.results import parse, parse_all
from diagnostics.summary import summary

# The sslcert sample's own moment, so that days left do not depend on today.
MEASURED = datetime(2017, 6, 14, 18, 22, 12, tzinfo=UTC)


def _by_probe(name, now=MEASURED):
    return {item["probe_id"]: item for item in parse_all(samples.load(name), now=now)}


def test_every_sample_parses_to_plain_json():
    for kind, names in samples.RESULT_FILES.items():
        for name in names:
            for parsed in parse_all(samples.load(name), now=MEASURED):
                assert parsed["kind"] == kind
                assert parsed["malformed"] is False
                assert json.loads(json.dumps(parsed)) == parsed


def test_common_fields():
    ping = _by_probe("ping.json")[270]
    assert {key: ping[key] for key in ("msm_id", "probe_id", "timestamp", "time")} == {
        "msm_id": 1000192,
        "probe_id": 270,
        "timestamp": 1406561624,
        "time": "2014-07-28T15:33:44+00:00",
    }
    assert datetime.fromisoformat(ping["time"]) == datetime.fromtimestamp(1406561624, UTC)
    assert (ping["from"], ping["af"], ping["fw"]) == ("188.193.157.75", 4, 4650)
    assert (ping["target"], ping["target_address"]) == ("hsi.cablecom.ch", "62.2.16.24")
    assert ping["error"] is None


def test_ping():
    ping = _by_probe("ping.json")[270]
    assert {key: ping[key] for key in ("sent", "received", "duplicates", "loss")} == {
        "sent": 3,
        "received": 3,
        "duplicates": 0,
        "loss": 0.0,
    }
    assert (ping["rtt_min"], ping["rtt_avg"], ping["rtt_max"], ping["rtt_median"]) == (
        52.875,
        59.241,
        70.265,
        54.584,
    )
    assert ping["rtts"] == [70.265, 54.584, 52.875]


def test_ping_fw_4610_with_a_timeout_and_duplicates():
    ping = _by_probe("ping.json")[1216]
    assert ping["fw"] == 4610
    assert (ping["sent"], ping["received"], ping["duplicates"], ping["loss"]) == (2, 1, 2, 50.0)
    assert ping["rtts"] == [None, 27.768]  # the "*" timeout; duplicates left out
    assert ping["rtt_median"] == 27.768


def test_ping_fw_5020():
    pings = _by_probe("ping-fw5020.json")
    assert set(pings) == {1000650, 1000961}
    ping = pings[1000650]
    assert (ping["fw"], ping["sent"], ping["received"], ping["loss"]) == (5020, 3, 3, 0.0)
    assert ping["rtt_median"] == 31.909
    assert ping["rtts"] == [31.47, 31.909, 32.287]


def test_ping_with_nothing_back_has_no_rtt():
    raw = samples.load("ping.json")[0] | {
        "rcvd": 0,
        "min": -1,
        "avg": -1,
        "max": -1,
        "result": [{"x": "*"}, {"x": "*"}, {"x": "*"}],
    }
    ping = parse(raw)
    assert ping["loss"] == 100.0
    assert [ping[key] for key in ("rtt_min", "rtt_avg", "rtt_max", "rtt_median")] == [None] * 4
    assert summary("ping", [ping]) == "ping from 1 probe: 100 % loss"


def test_traceroute_reaching_the_target():
    trace = _by_probe("traceroute.json")[12185]
    assert (trace["protocol"], trace["reached"], trace["hop_count"]) == ("ICMP", True, 11)
    assert trace["last_rtt"] == 20.215
    first, last = trace["hops"][0], trace["hops"][-1]
    assert first == {
        "hop": 1,
        "error": None,
        "rtt_median": 0.373,
        "packets": [
            {"address": "192.168.2.254", "rtt": 0.527, "timeout": False, "error": None},
            {"address": "192.168.2.254", "rtt": 0.373, "timeout": False, "error": None},
            {"address": "192.168.2.254", "rtt": 0.325, "timeout": False, "error": None},
        ],
    }
    assert last["hop"] == 11
    assert {packet["address"] for packet in last["packets"]} == {"194.0.25.10"}


def test_traceroute_ipv6_failing_at_hop_1():
    trace = _by_probe("traceroute.json")[82]
    assert (trace["af"], trace["fw"], trace["reached"], trace["last_rtt"]) == (6, 4610, False, None)
    assert trace["from"] is None  # the probe sent an empty "from"
    assert trace["hops"] == [
        {
            "hop": 1,
            "error": "connect failed: Network is unreachable",
            "rtt_median": None,
            "packets": [],
        }
    ]


def test_traceroute_timeouts_are_stars():
    raw = samples.load("traceroute.json")[0]
    raw["result"][2]["result"] = [{"x": "*"}, {"from": "68.87.198.29", "rtt": 9.5}, {"x": "*"}]
    hop = parse(raw)["hops"][2]
    assert [(p["address"], p["rtt"], p["timeout"]) for p in hop["packets"]] == [
        (None, None, True),
        ("68.87.198.29", 9.5, False),
        (None, None, True),
    ]


def test_dns_single_resolver_answers_decoded_from_abuf():
    dns = _by_probe("dns.json")[12534]
    [response] = dns["responses"]
    assert {key: response[key] for key in ("resolver", "af", "protocol", "rt", "size")} == {
        "resolver": "192.31.231.42",
        "af": 4,
        "protocol": "UDP",
        "rt": 38.079,
        "size": 255,
    }
    assert (response["rcode"], response["timeout"], response["error"]) == ("NOERROR", None, None)
    assert response["answers"] == [
        {"type": "HINFO", "name": "star.cs.vu.nl.", "ttl": 86400, "value": "Sun Unix"},
        {"type": "MX", "name": "star.cs.vu.nl.", "ttl": 86400, "value": "666 zephyr.cs.vu.nl."},
        {"type": "MX", "name": "star.cs.vu.nl.", "ttl": 86400, "value": "1 star.cs.vu.nl."},
        {"type": "A", "name": "star.cs.vu.nl.", "ttl": 86400, "value": "192.31.231.42"},
    ]


def test_dns_resultset_of_the_probes_resolvers_with_a_timeout():
    dns = _by_probe("dns.json")[18394]
    assert [r["resolver"] for r in dns["responses"]] == [
        "217.31.66.232",
        "217.31.71.30",
        "2a02:3a8:100::100",
    ]
    answered, again, timed_out = dns["responses"]
    assert answered["answers"] == [
        {"type": "CNAME", "name": "www.yahoo.com.", "ttl": 224, "value": "fd-fp3.wg1.b.yahoo.com."}
    ]
    assert (answered["rt"], answered["protocol"]) == (3.408, "TCP")
    assert again["answers"][0]["ttl"] == 110
    assert timed_out == {
        "resolver": "2a02:3a8:100::100",
        "af": 6,
        "protocol": "TCP",
        "rt": None,
        "size": None,
        "rcode": None,
        "answers": [],
        "timeout": 5000,
        "error": None,
    }


def test_dns_dnserr_and_a_name_error():
    raw = samples.load("dns.json")[0]
    del raw["result"]
    failed = parse(raw | {"error": {"getaddrinfo": "Name or service not known"}})
    assert failed["responses"] == []
    assert "Name or service not known" in failed["error"]
    timed_out = parse(raw | {"error": {"timeout": 5000}})
    assert timed_out["timeout"] == 5000
    assert summary("dns", [timed_out]) == "DNS from 1 probe: no answer from any probe"


def test_sslcert_chain_and_days_left():
    ssl = _by_probe("sslcert.json")[10096]
    assert (ssl["port"], ssl["tls_version"], ssl["method"]) == (443, "1.2", "TLS")
    assert (ssl["rt"], ssl["ttc"], ssl["alert"], ssl["error"]) == (67.073945, 33.09869, None, None)
    leaf, intermediate, root = ssl["certificates"]
    assert leaf == {
        "subject_cn": "*.tinkoff.ru",
        "subject_o": "Tinkoff Bank",
        "issuer_cn": "thawte SSL CA - G2",
        "issuer_o": "thawte, Inc.",
        "not_before": "2015-10-20T00:00:00+00:00",
        "not_after": "2017-12-18T23:59:59+00:00",
        "days_left": 187,
        "expired": False,
        "sha256": leaf["sha256"],
    }
    assert len(leaf["sha256"].split(":")) == 32
    assert (intermediate["subject_cn"], intermediate["issuer_cn"]) == (
        "thawte SSL CA - G2",
        "thawte Primary Root CA",
    )
    assert root["subject_cn"] == root["issuer_cn"] == "thawte Primary Root CA"
    assert (ssl["days_left"], ssl["expiring"]) == (187, False)


def test_sslcert_near_expiry_and_expired():
    near = _by_probe("sslcert.json", now=datetime(2017, 12, 1, tzinfo=UTC))[10096]
    assert (near["days_left"], near["expiring"]) == (17, True)
    gone = _by_probe("sslcert.json", now=datetime(2018, 1, 1, tzinfo=UTC))[10096]
    assert (gone["days_left"], gone["certificates"][0]["expired"]) == (-13, True)
    assert summary("sslcert", [gone]) == (
        "SSL certificate from 1 probe: *.tinkoff.ru expired 13 days ago"
    )


def test_sslcert_dnserr():
    ssl = _by_probe("sslcert.json")[517]
    assert ssl["error"] == "non-recoverable failure in name resolution"
    assert (ssl["certificates"], ssl["days_left"], ssl["port"]) == ([], None, 443)


def test_sslcert_alert():
    raw = samples.load("sslcert.json")[0]
    del raw["cert"]
    ssl = parse(raw | {"alert": {"level": 2, "description": 40}})
    assert ssl["alert"] == {"level": 2, "description": "handshake_failure"}
    assert ssl["error"] == "handshake_failure"


def test_http():
    https = _by_probe("http.json")
    [ok] = https[1]["responses"]
    assert ok == {
        "status": 200,
        "rt": 45.953289,
        "header_size": 131,
        "body_size": 1668618,
        "version": "1.1",
        "method": "GET",
        "address": "193.171.255.2",
        "af": 4,
        "error": None,
    }
    assert https[1]["uri"] == "http://at-vie-as1120.anchors.atlas.ripe.net:80/4096"
    [failed] = https[902]["responses"]
    assert failed["error"] == "connect: Network is unreachable"
    assert (failed["status"], failed["rt"], failed["af"]) == (None, None, 6)


def test_something_that_is_not_a_result_is_marked_malformed():
    broken = parse({"type": "ping", "prb_id": 5})
    assert (broken["malformed"], broken["probe_id"], broken["kind"]) == (True, 5, "ping")
    assert broken["error"]
    assert summary("ping", [broken]) == "ping: no results yet"
    half_written = parse(samples.load("ping.json")[0] | {"result": [{"rtt": "fast"}]})
    assert (half_written["malformed"], half_written["probe_id"]) == (True, 270)
    odd_hop = samples.load("traceroute.json")[0] | {"result": [{"hop": 1, "result": [7]}]}
    assert parse(odd_hop)["malformed"] is True


COUNTRIES = {270: "DE", 1216: "FR", 1000650: "ES", 1000961: "ES", 12185: "US", 82: "NL"}
SUMMARIES = [
    (
        "ping",
        ["ping.json", "ping-fw5020.json"],
        "ping from 4 probes in 3 countries: 9.1 % loss, median 32 ms",
        "ping desde 4 sondas en 3 países: 9,1 % de pérdida, mediana 32 ms",
    ),
    (
        "traceroute",
        ["traceroute.json"],
        "traceroute from 2 probes in 2 countries: 1 of 2 reached the target, median 20 ms",
        "traceroute desde 2 sondas en 2 países: 1 de 2 llegó al destino, mediana 20 ms",
    ),
    (
        "dns",
        ["dns.json"],
        "DNS from 2 probes: 3 of 4 queries answered (NOERROR), median 3.4 ms",
        "DNS desde 2 sondas: 3 de 4 consultas respondidas (NOERROR), mediana 3,4 ms",
    ),
    (
        "sslcert",
        ["sslcert.json"],
        "SSL certificate from 2 probes: *.tinkoff.ru expires in 187 days; 1 without a certificate",
        "certificado SSL desde 2 sondas: *.tinkoff.ru caduca en 187 días; 1 sin certificado",
    ),
    (
        "http",
        ["http.json"],
        "HTTP from 2 probes: 1 of 2 requests answered (200), median 46 ms",
        "HTTP desde 2 sondas: 1 de 2 peticiones respondidas (200), mediana 46 ms",
    ),
]


@pytest.mark.parametrize(("kind", "names", "english", "spanish"), SUMMARIES)
def test_summary_lines_in_english_and_spanish(kind, names, english, spanish):
    parsed = [item for name in names for item in parse_all(samples.load(name), now=MEASURED)]
    assert summary(kind, parsed, COUNTRIES) == english
    with translation.override("es"):
        assert summary(kind, parsed, COUNTRIES) == spanish


def test_summary_counts_probes_not_results_and_ignores_other_kinds():
    parsed = parse_all(samples.load("ping-fw5020.json"))
    twice = parsed + parsed + parse_all(samples.load("http.json"))
    assert summary("ping", twice, {1000650: "ES", 1000961: "ES"}) == (
        "ping from 2 probes in 1 country: 0 % loss, median 30 ms"
    )
    assert summary("ping", []) == "ping: no results yet"
    with translation.override("fr"):
        assert summary("ping", parsed) == "ping depuis 2 sondes\u00a0: 0 % de perte, médiane 30 ms"
