"""A measurement as a page shows it: its results parsed, its probes' countries, its summary."""

from django.utils import formats
from django.utils.translation import gettext as _

from .models import Probe
from .results import parse_all
from .summary import summary


def countries(probe_ids) -> dict[int, str]:
    return dict(Probe.objects.filter(pk__in=set(probe_ids)).values_list("pk", "country"))


def networks(probe_ids) -> dict[int, int | None]:
    return dict(Probe.objects.filter(pk__in=set(probe_ids)).values_list("pk", "asn_v4"))


def _hop_line(hop) -> str:
    """A hop as one short line: who answered, then each packet's time ("*" when none)."""
    if hop.get("error"):
        return str(hop["error"])
    packets = hop.get("packets") or []
    addresses = list(dict.fromkeys(p["address"] for p in packets if p.get("address")))
    times = " / ".join(
        "*" if p.get("timeout") or p.get("rtt") is None else formats.number_format(p["rtt"], 1)
        for p in packets
    )
    if not addresses:
        return times or "*"
    return f"{', '.join(addresses)} · {times} ms"


def failure(measurement) -> str:
    """Why a measurement gave nothing, in the reader's language ("" when it did not fail)."""
    if measurement.status == "timed_out":
        return _("RIPE Atlas had not finished after the time the portal waits: what came is shown.")
    if measurement.status != "failed":
        return ""
    reasons = {
        "atlas_status_5": _("The measurement was stopped at RIPE Atlas before it finished."),
        "atlas_status_6": _("RIPE Atlas found no suitable probes for this selection."),
        "atlas_status_7": _("RIPE Atlas could not run this measurement."),
    }
    return reasons.get(measurement.error_code, _("RIPE Atlas could not run this measurement."))


def view(measurement) -> dict:
    raws = [row.raw for row in measurement.results.all()]
    parsed = parse_all(raws)
    probes = countries(item.get("probe_id") for item in parsed)
    asns = networks(item.get("probe_id") for item in parsed)
    for item in parsed:
        item["country"] = probes.get(item.get("probe_id"), "")
        item["asn"] = asns.get(item.get("probe_id"))
        for hop in item.get("hops") or ():
            hop["line"] = _hop_line(hop)
    return {
        "measurement": measurement,
        "results": parsed,
        "summary": summary(measurement.kind, parsed, probes),
        "running": measurement.status == "running",
        "failure": failure(measurement),
    }
