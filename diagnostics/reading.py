"""A measurement as a page shows it: its results parsed, its probes' countries, its summary."""

from .models import Probe
from .results import parse_all
from .summary import summary


def countries(probe_ids) -> dict[int, str]:
    return dict(Probe.objects.filter(pk__in=set(probe_ids)).values_list("pk", "country"))


def view(measurement) -> dict:
    raws = [row.raw for row in measurement.results.all()]
    parsed = parse_all(raws)
    probes = countries(item.get("probe_id") for item in parsed)
    for item in parsed:
        item["country"] = probes.get(item.get("probe_id"), "")
    return {
        "measurement": measurement,
        "results": parsed,
        "summary": summary(measurement.kind, parsed, probes),
        "running": measurement.status == "running",
    }
