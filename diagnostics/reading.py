"""A measurement as a page shows it: its results parsed, its probes' countries, its summary."""

from django.utils import formats

from .models import Probe
from .results import parse_all
from .summary import summary


def countries(probe_ids) -> dict[int, str]:
    return dict(Probe.objects.filter(pk__in=set(probe_ids)).values_list("pk", "country"))


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


def view(measurement) -> dict:
    raws = [row.raw for row in measurement.results.all()]
    parsed = parse_all(raws)
    probes = countries(item.get("probe_id") for item in parsed)
    for item in parsed:
        item["country"] = probes.get(item.get("probe_id"), "")
        for hop in item.get("hops") or ():
            hop["line"] = _hop_line(hop)
    return {
        "measurement": measurement,
        "results": parsed,
        "summary": summary(measurement.kind, parsed, probes),
        "running": measurement.status == "running",
    }
