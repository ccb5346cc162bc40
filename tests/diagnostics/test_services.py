"""Starting measurements against the fake RIPE Atlas, the rules and quotas, and polling."""

import pytest
from django.core.exceptions import ValidationError

from activity.models import Event
from diagnostics import services
from diagnostics.models import Measurement, MeasurementResult, OrganisationRules, Status

pytestmark = pytest.mark.django_db


def _start(world, by=None, **options):
    values = {
        "organisation": world.org,
        "by": by or world.agent,
        "kind": "ping",
        "target": "example.com",
    }
    values.update(options)
    return services.measurement_start(**values)


def _poll_until_done(measurement, limit=20):
    for _ in range(limit):
        if services.measurement_poll(measurement_id=measurement.pk) is None:
            break
    measurement.refresh_from_db()
    return measurement


def test_an_agent_runs_a_ping_from_a_ticket_and_its_results_are_stored_once(
    world, ticket, fake_atlas
):
    measurement = _start(world, ticket=ticket)
    assert measurement.number.startswith("NET-") and measurement.atlas_id
    assert measurement.api_key_name == "default"
    created = fake_atlas.requests_to("POST", "/measurements/")
    assert len(created) == 1
    body = created[0].body
    assert body["is_oneoff"] is True and body["definitions"][0]["target"] == "example.com"
    # 5 in the client's country and 5 worldwide, by default.
    assert [p["requested"] for p in body["probes"]] == [5, 5]
    measurement = _poll_until_done(measurement)
    assert measurement.status == Status.DONE and measurement.finished_at
    stored = MeasurementResult.objects.filter(measurement=measurement).count()
    assert stored > 0
    # A task run again (a retry after a crash) stores nothing twice.
    Measurement.objects.filter(pk=measurement.pk).update(status=Status.RUNNING, last_result_at=None)
    services.measurement_poll(measurement_id=measurement.pk)
    assert MeasurementResult.objects.filter(measurement=measurement).count() == stored
    verbs = list(
        Event.objects.filter(data__measurement=measurement.number).values_list("verb", flat=True)
    )
    assert verbs.count("measurement_started") == 1 and "measurement_finished" in verbs


def test_refusals_write_nothing(world, fake_atlas):
    for target in ("10.0.0.1", "localhost", "192.0.2.1", "http://example.com/x"):
        with pytest.raises(ValidationError):
            _start(world, target=target)
    fake_atlas.unresolvable = "unresolvable.example.net"
    with pytest.raises(ValidationError, match="RIPE Atlas refused"):
        _start(world, target="unresolvable.example.net")
    assert not Measurement.objects.exists() and not Event.objects.exists()


def test_clients_measure_only_when_allowed_and_within_the_quota(world, fake_atlas):
    with pytest.raises(ValidationError, match="run by support"):
        _start(world, by=world.member)
    OrganisationRules.objects.update_or_create(
        organisation=world.org,
        defaults={
            "clients_may_run": True,
            "client_targets": "fibra.andes.cl\n200.1.2.0/24",
            "daily_limit": 2,
        },
    )
    with pytest.raises(ValidationError, match="not one of your organisation"):
        _start(world, by=world.member, target="example.com")
    _start(world, by=world.member, target="fibra.andes.cl")
    measurement = _start(world, by=world.member, target="200.1.2.3", shared=False)
    assert measurement.shared  # a client's measurement is never internal
    with pytest.raises(ValidationError, match="2 measurements for today"):
        _start(world, by=world.member, target="200.1.2.4")
    assert Measurement.objects.count() == 2


def test_the_monthly_credits_stop_a_measurement_before_atlas_is_asked(world, fake_atlas):
    OrganisationRules.objects.create(organisation=world.org, monthly_credits=15)
    with pytest.raises(ValidationError, match="30 Atlas credits"):  # 10 probes, 3 packets
        _start(world)
    assert not fake_atlas.requests_to("POST", "/measurements/")


def test_a_rate_limited_poll_waits_as_atlas_says(world, fake_atlas):
    measurement = _start(world)
    fake_atlas.rate_limit(retry_after=42, times=1, method="GET")
    assert services.measurement_poll(measurement_id=measurement.pk) == 42
    measurement.refresh_from_db()
    assert measurement.status == Status.RUNNING and measurement.polls == 0


def test_an_internal_measurement_is_staff_only(world, ticket, fake_atlas):
    measurement = _start(world, ticket=ticket, shared=False)
    event = Event.objects.get(verb="measurement_started")
    assert event.visibility == "internal"
    assert not Measurement.objects.visible_to(world.member).filter(pk=measurement.pk).exists()
    shared = _start(world, ticket=ticket)
    assert Measurement.objects.visible_to(world.member).filter(pk=shared.pk).exists()
    assert not Measurement.objects.visible_to(world.outsider).exists()
    assert not Measurement.objects.visible_to(world.other_member).exists()


def test_the_probes_countries_are_learnt_once(world, fake_atlas):
    from diagnostics.models import Probe

    measurement = _start(world)
    _poll_until_done(measurement)
    probes = set(MeasurementResult.objects.values_list("probe_id", flat=True))
    assert probes and set(Probe.objects.values_list("pk", flat=True)) == probes
    asked = len(fake_atlas.requests_to("GET", "/probes/"))
    again = _start(world)
    _poll_until_done(again)
    assert len(fake_atlas.requests_to("GET", "/probes/")) == asked  # known already
