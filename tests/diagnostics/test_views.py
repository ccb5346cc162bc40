"""A measurement's page and the ticket's card, as each persona sees them."""

import json

import pytest
from django.urls import reverse

from diagnostics import services

pytestmark = pytest.mark.django_db


def _done(world, ticket, **options):
    measurement = services.measurement_start(
        organisation=world.org,
        by=world.agent,
        kind=options.pop("kind", "ping"),
        target=options.pop("target", "example.com"),
        ticket=ticket,
        **options,
    )
    for _ in range(20):
        if services.measurement_poll(measurement_id=measurement.pk) is None:
            break
    measurement.refresh_from_db()
    return measurement


def test_the_ticket_shows_its_measurement_with_the_summary_line(
    world, ticket, fake_atlas, client_for
):
    measurement = _done(world, ticket)
    page = client_for(world.member).get(ticket.get_absolute_url()).content.decode()
    assert measurement.get_absolute_url() in page
    assert "ping from" in page and "% loss" in page
    detail = client_for(world.member).get(measurement.get_absolute_url())
    assert detail.status_code == 200
    assert "Results by probe" in detail.content.decode()
    raw = client_for(world.member).get(reverse("diagnostics:raw", args=[measurement.number]))
    assert isinstance(json.loads(raw.content), list) and json.loads(raw.content)


@pytest.mark.parametrize(
    ("kind", "target", "options", "shows"),
    [
        ("traceroute", "example.com", {"protocol": "ICMP"}, "194.0.25.10"),
        ("sslcert", "example.com", {}, "expired"),
        ("dns", None, {"query_type": "A", "query_argument": "example.com"}, "TTL"),
        ("http", "nl-ams-as3333.anchors.atlas.ripe.net", {}, "HTTP 200"),
        ("ping", "example.com", {}, "replies"),
    ],
)
def test_each_kind_renders(world, ticket, fake_atlas, client_for, kind, target, options, shows):
    measurement = _done(world, ticket, kind=kind, target=target, options=options)
    response = client_for(world.member).get(measurement.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and shows in page
    assert "no results yet" not in page


def test_internal_and_other_organisations_measurements_are_404(
    world, ticket, fake_atlas, client_for
):
    internal = _done(world, ticket, shared=False)
    assert client_for(world.member).get(internal.get_absolute_url()).status_code == 404
    page = client_for(world.member).get(ticket.get_absolute_url()).content.decode()
    assert internal.number not in page
    shared = _done(world, ticket)
    assert client_for(world.outsider).get(shared.get_absolute_url()).status_code == 404
    assert client_for(world.agent).get(shared.get_absolute_url()).status_code == 404
    # A colleague who cannot read the ticket cannot read its measurement either.
    assert client_for(world.other_member).get(shared.get_absolute_url()).status_code == 404


def test_a_running_measurement_polls_its_line(world, ticket, fake_atlas, client_for):
    measurement = services.measurement_start(
        organisation=world.org, by=world.agent, kind="ping", target="example.com", ticket=ticket
    )
    client = client_for(world.member)
    line = client.get(measurement.get_absolute_url() + "?line=1", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in line.content.decode()


def test_a_client_runs_reruns_and_compares_when_the_organisation_allows_it(
    world, ticket, fake_atlas, client_for
):
    from diagnostics.models import Measurement, OrganisationRules

    client = client_for(world.member)
    page = client.get(reverse("diagnostics:home")).content.decode()
    assert "Support runs measurements for you" in page
    assert client.post(reverse("diagnostics:home"), {"kind": "ping"}).status_code == 404
    OrganisationRules.objects.create(
        organisation=world.org, clients_may_run=True, client_targets="fibra.andes.cl"
    )
    response = client.post(
        reverse("diagnostics:home"),
        {"kind": "ping", "target": "example.org", "ticket": ticket.number},
    )
    assert "not one of your organisation" in response.content.decode()
    response = client.post(
        reverse("diagnostics:home"),
        {"kind": "ping", "target": "fibra.andes.cl", "ticket": ticket.number},
    )
    first = Measurement.objects.get()
    assert response.status_code == 302 and first.ticket == ticket and first.shared
    for _ in range(20):
        if services.measurement_poll(measurement_id=first.pk) is None:
            break
    response = client.post(reverse("diagnostics:rerun", args=[first.number]))
    second = Measurement.objects.exclude(pk=first.pk).get()
    assert second.rerun_of == first and second.definition == first.definition
    compare = client.get(reverse("diagnostics:compare", args=[first.number, second.number]))
    assert compare.status_code == 200 and first.number in compare.content.decode()
    rows = client.get(reverse("diagnostics:csv", args=[first.number])).content.decode()
    assert rows.splitlines()[0].startswith("probe_id,country,time")
    assert len(rows.splitlines()) > 1


def test_a_measurement_no_probe_suits_says_so(world, ticket, fake_atlas, client_for):
    fake_atlas.no_suitable_probes = True
    measurement = _done(world, ticket)
    assert measurement.status == "failed"
    page = client_for(world.member).get(measurement.get_absolute_url()).content.decode()
    assert "no suitable probes" in page


def test_the_ticket_card_offers_a_measurement_when_clients_may_run(world, ticket, client_for):
    from diagnostics.models import OrganisationRules

    page = client_for(world.member).get(ticket.get_absolute_url()).content.decode()
    assert "diag-card" not in page
    OrganisationRules.objects.create(organisation=world.org, clients_may_run=True)
    page = client_for(world.member).get(ticket.get_absolute_url()).content.decode()
    assert f"/diagnostics/?ticket={ticket.number}" in page
