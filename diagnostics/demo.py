"""The diagnostics part of `manage.py demo`: finished measurements on an Andes Fibra
connectivity ticket, made of real RIPE Atlas results (diagnostics/samples).

The demo needs no Atlas key: the measurements are written as the poll task leaves
them (each result stored once, the probes' countries known, the events recorded at
the moments they happened); with ATLAS_API_URL pointed at the fake server
(`python -m tests.diagnostics.fake_atlas`) and ATLAS_API_KEYS set, new ones run end
to end.
"""

from datetime import timedelta

from django.utils import timezone

from core.demo import dated

from . import samples
from .models import Measurement, MeasurementResult, OrganisationRules, Probe, Status
from .services import _event, _next_number

AGENT = "agent@support.example"
SUBJECT = "La velocidad cae todas las noches"
# Where the sample probes are (as Atlas would tell): the countries of the summary.
COUNTRIES = {
    270: "DE",
    1216: "FR",
    1000650: "CL",
    1000961: "BR",
    12185: "NL",
    82: "GB",
    12534: "US",
    18394: "CL",
    10096: "AR",
    517: "ES",
    1: "NL",
    902: "DE",
}
RUNS = [
    # (kind, target, definition extras, hours ago)
    ("ping", "fibra.andesfibra.cl", {"packets": 3}, 30),
    ("traceroute", "fibra.andesfibra.cl", {"protocol": "ICMP", "packets": 3}, 29),
    ("dns", None, {"query_type": "A", "query_argument": "portal.andesfibra.cl"}, 28),
    ("sslcert", "portal.andesfibra.cl", {"port": 443}, 27),
]


def run(demo):
    organisation = demo.organisations.get("andes-fibra")
    if organisation is None or Measurement.objects.filter(organisation=organisation).exists():
        return
    ticket = organisation.tickets.filter(subject=SUBJECT).first()
    agent = demo.users[AGENT]
    OrganisationRules.objects.get_or_create(
        organisation=organisation,
        defaults={
            "clients_may_run": True,
            "client_targets": "fibra.andesfibra.cl\nportal.andesfibra.cl\n200.54.120.0/24",
        },
    )
    Probe.objects.bulk_create(
        [Probe(id=probe, country=country) for probe, country in COUNTRIES.items()],
        ignore_conflicts=True,
    )
    now = timezone.now()
    for offset, (kind, target, options, hours) in enumerate(RUNS):
        # The target the sample results were measured towards, so that they agree.
        sample = samples.results(kind)[0]
        if target:
            target = sample.get("dst_name") or target
        started = now - timedelta(hours=hours)
        with dated(started):
            definition = {"type": kind, "af": 4, **options}
            if target:
                definition["target"] = target
            else:
                definition["use_probe_resolver"] = True
            measurement = Measurement.objects.create(
                number=_next_number(started),
                organisation=organisation,
                ticket=ticket,
                requested_by=agent,
                kind=kind,
                target=target or "",
                options=options,
                probes=[
                    {"type": "country", "value": "CL", "requested": 5},
                    {"type": "area", "value": "WW", "requested": 5},
                ],
                definition=definition,
                atlas_id=10_000 + offset,  # old ids: never one a new measurement gets
                api_key_name="default",
                status=Status.RUNNING,
                probes_requested=10,
                credits_estimate=30,
                created_at=started,
            )
            _event(measurement, agent, "measurement_started")
        finished = started + timedelta(minutes=4)
        with dated(finished):
            MeasurementResult.objects.bulk_create(
                [
                    MeasurementResult(
                        measurement=measurement,
                        probe_id=int(raw.get("prb_id") or 0),
                        timestamp=int(raw.get("timestamp") or 0),
                        raw=raw,
                    )
                    for raw in samples.results(kind)
                ],
                ignore_conflicts=True,
            )
            Measurement.objects.filter(pk=measurement.pk).update(
                status=Status.DONE, atlas_status=4, finished_at=finished, polls=3
            )
            measurement.refresh_from_db()
            _event(measurement, None, "measurement_finished", status=Status.DONE)
