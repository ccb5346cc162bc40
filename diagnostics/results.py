"""RIPE Atlas results, parsed by ripe.atlas.sagan into plain dicts that pages can render.

`parse(raw)` turns one raw result (one probe, one run) into a JSON-serialisable
dict: the common keys of `_common()` and those of its kind (see each `_kind()`
below). Sagan smooths over the firmware versions (fw 4610 to 5020 in the
fixtures); what it leaves out (a DNS response's own timeout, the certificates'
dates as aware values) is read here from the raw data. Errors reported by the
probes are kept in Atlas' words (they come from the probe's firmware, in English).

`diagnostics.summary.summary()` writes the line for the ticket's thread from them.
"""

import copy
import warnings
from datetime import UTC, datetime

from cryptography.utils import CryptographyDeprecationWarning
from django.utils import timezone
from ripe.atlas.sagan import Result, ResultParseError

EXPIRY_WARNING_DAYS = 30


def parse(raw: dict, *, now: datetime | None = None) -> dict:
    """One raw Atlas result as a plain dict; `now` decides the certificates' days left."""
    try:
        with warnings.catch_warnings():
            # sagan reads the certificates' naive dates, deprecated by cryptography
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            result = Result.get(
                copy.deepcopy(raw),  # sagan moves a DNS result's qbuf around in place
                on_error=Result.ACTION_IGNORE,
                on_malformation=Result.ACTION_IGNORE,
            )
            parsed = _common(result, raw)
            if parsed["kind"] in _PARSERS:
                parsed.update(_PARSERS[parsed["kind"]](result, raw, now=now or timezone.now()))
    except (ResultParseError, KeyError, TypeError, ValueError, AttributeError) as error:
        # A result a probe sent half-written must not break the page that lists the others.
        return _malformed(raw, error)
    return parsed


def parse_all(raws: list[dict], *, now: datetime | None = None) -> list[dict]:
    return [parse(raw, now=now) for raw in raws]


def _common(result, raw) -> dict:
    return {
        "kind": raw.get("type"),
        "msm_id": result.measurement_id,
        "probe_id": result.probe_id,
        "timestamp": int(raw["timestamp"]),
        "time": result.created.astimezone(UTC).isoformat(),
        "from": raw.get("from") or None,
        "af": raw.get("af"),
        "fw": result.firmware,
        "target": raw.get("dst_name") or None,
        "target_address": raw.get("dst_addr") or None,
        "error": result.error_message if result.is_error else None,
        "malformed": bool(result.is_malformed),
    }


def _malformed(raw, error) -> dict:
    raw = raw if isinstance(raw, dict) else {}
    return {
        "kind": raw.get("type"),
        "msm_id": raw.get("msm_id"),
        "probe_id": raw.get("prb_id"),
        "timestamp": raw.get("timestamp"),
        "time": None,
        "from": raw.get("from") or None,
        "af": raw.get("af"),
        "fw": raw.get("fw"),
        "target": raw.get("dst_name") or None,
        "target_address": raw.get("dst_addr") or None,
        "error": str(error)[:300],
        "malformed": True,
    }


def _ping(result, raw, *, now):
    """sent, received, duplicates, loss (%, None if nothing sent), rtt_min/avg/max/median
    (None when nothing came back), rtts (each packet's RTT in ms, None for a timeout)."""
    sent = result.packets_sent or 0
    received = result.packets_received or 0
    rtts = [packet.rtt for packet in result.packets if not packet.dup]
    return {
        "sent": sent,
        "received": received,
        "duplicates": result.duplicates or 0,
        "loss": round(max(0, sent - received) * 100 / sent, 1) if sent else None,
        "rtt_min": result.rtt_min if received else None,
        "rtt_avg": result.rtt_average if received else None,
        "rtt_max": result.rtt_max if received else None,
        "rtt_median": result.rtt_median if received else None,
        "rtts": rtts,
    }


def _traceroute(result, raw, *, now):
    """protocol, reached (the target answered), hop_count, last_rtt (median at the last
    hop that answered), hops: [{hop, error, rtt_median, packets: [{address, rtt,
    timeout, error}]}]; a timeout ("*") is address None, rtt None, timeout True."""
    hops = []
    for hop in result.hops:
        packets = []
        for packet in hop.packets:
            timed_out = packet.raw_data.get("x") == "*"
            packets.append(
                {
                    "address": packet.origin,
                    "rtt": packet.rtt,
                    "timeout": timed_out,
                    "error": packet.error_message if packet.is_error else None,
                }
            )
        hops.append(
            {
                "hop": hop.index,
                "error": hop.error_message if hop.is_error else None,
                "rtt_median": hop.median_rtt,
                "packets": packets,
            }
        )
    return {
        "protocol": result.protocol,
        "reached": bool(result.destination_ip_responded),
        "hop_count": result.total_hops,
        "last_rtt": result.last_median_rtt,
        "hops": hops,
    }


def _dns(result, raw, *, now):
    """responses: [{resolver, af, protocol, rt, size, rcode, answers: [{type, name, ttl,
    value}], timeout (ms waited, when no answer came), error}] — one for a single
    resolver, several for the probe's own resolvers (`resultset`)."""
    responses = []
    for response in result.responses:
        own = response.raw_data
        failure = own.get("error") if isinstance(own.get("error"), dict) else {}
        entry = {
            "resolver": response.destination_address,
            "af": response.af,
            "protocol": response.protocol,
            "rt": response.response_time,
            "size": response.response_size,
            "rcode": None,
            "answers": [],
            "timeout": failure.get("timeout"),
            "error": _dns_error(failure),
        }
        message = response.abuf if entry["timeout"] is None else None
        if message is not None:
            if message.header is not None:
                entry["rcode"] = message.header.return_code
            entry["answers"] = [_answer(answer) for answer in message.answers]
            if message.is_malformed and not message.header:
                entry["error"] = "malformed answer"
        responses.append(entry)
    top = raw.get("error") if isinstance(raw.get("error"), dict) else {}
    return {"responses": responses, "timeout": top.get("timeout")}


def _dns_error(failure: dict) -> str | None:
    if "getaddrinfo" in failure:
        return f"name resolution: {failure['getaddrinfo']}"
    other = {key: value for key, value in failure.items() if key != "timeout"}
    return "; ".join(f"{key}: {value}" for key, value in other.items()) or None


_VALUES = {
    "A": ("address",),
    "AAAA": ("address",),
    "NS": ("target",),
    "CNAME": ("target",),
    "PTR": ("target",),
    "MX": ("preference", "mail_exchanger"),
    "SOA": ("mname", "rname", "serial", "refresh", "retry", "expire", "minimum"),
    "SRV": ("priority", "weight", "port", "target"),
    "DS": ("tag", "algorithm", "digest_type", "delegation_key"),
    "DNSKEY": ("flags", "protocol", "algorithm", "key"),
    "TLSA": ("certificate_usage", "selector", "matching_type", "certificate_associated_data"),
    "SSHFP": ("algorithm", "digest_type", "fingerprint"),
    "HINFO": ("cpu", "os"),
    "RRSIG": ("type_covered", "algorithm", "labels", "original_ttl", "key_tag", "signer_name"),
    "NSEC": ("next_domain_name", "types"),
}


def _answer(answer) -> dict:
    if answer.type == "TXT":
        value = " ".join(f'"{text}"' for text in answer.data or [])
    elif answer.type in _VALUES:
        parts = [getattr(answer, name, None) for name in _VALUES[answer.type]]
        value = " ".join(
            " ".join(map(str, part)) if isinstance(part, list) else str(part)
            for part in parts
            if part is not None
        )
    else:
        value = answer.rdata or ""
    return {"type": answer.type, "name": answer.name, "ttl": answer.ttl, "value": value}


def _sslcert(result, raw, *, now):
    """port, tls_version ("1.2"), method, rt, ttc (time to connect), alert, days_left and
    expiring (of the first certificate, the server's own), certificates: [{subject_cn,
    subject_o, issuer_cn, issuer_o, not_before, not_after, days_left, expired, sha256}]."""
    certificates = []
    for certificate in result.certificates:
        not_after = certificate.valid_until
        # Whole days, towards zero: a certificate that expired an hour ago has 0 days left
        # (and `expired`), not -1.
        days_left = int((not_after - now).total_seconds() / 86400) if not_after else None
        certificates.append(
            {
                "subject_cn": certificate.subject_cn,
                "subject_o": certificate.subject_o,
                "issuer_cn": certificate.issuer_cn,
                "issuer_o": certificate.issuer_o,
                "not_before": _iso(certificate.valid_from),
                "not_after": _iso(not_after),
                "days_left": days_left,
                "expired": bool(not_after and not_after < now),
                "sha256": certificate.checksum_sha256,
            }
        )
    leaf = certificates[0] if certificates else {}
    alert = None
    if result.alert is not None:
        alert = {"level": result.alert.level, "description": result.alert.description_string}
    return {
        "port": result.port,
        "tls_version": result.version,
        "method": result.method,
        "rt": result.response_time,
        "ttc": result.time_to_connect,
        "alert": alert,
        "days_left": leaf.get("days_left"),
        "expiring": leaf.get("days_left") is not None and leaf["days_left"] < EXPIRY_WARNING_DAYS,
        "certificates": certificates,
    }


def _http(result, raw, *, now):
    """uri, responses: [{status, rt, header_size, body_size, version, method, address,
    af, error}] (one per request the probe made; one for a plain GET)."""
    return {
        "uri": result.uri,
        "responses": [
            {
                "status": response.code,
                "rt": response.response_time,
                "header_size": response.head_size,
                "body_size": response.body_size,
                "version": response.version,
                "method": result.method,
                "address": response.destination_address,
                "af": response.af,
                "error": response.error_message if response.is_error else None,
            }
            for response in result.responses
        ],
    }


_PARSERS = {
    "ping": _ping,
    "traceroute": _traceroute,
    "dns": _dns,
    "sslcert": _sslcert,
    "http": _http,
}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None
