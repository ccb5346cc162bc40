"""Staff run a measurement from a ticket in the admin and read its results there."""

import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Measurement

pytestmark = pytest.mark.django_db


def _form(ticket, **changes):
    data = {
        "organisation": ticket.organisation_id,
        "ticket": ticket.pk,
        "kind": "ping",
        "target": "example.com",
        "af": "4",
        "country": "",
        "in_country": "5",
        "area": "WW",
        "in_area": "5",
        "shared": "on",
    }
    data.update(changes)
    return data


def test_an_agent_runs_a_ping_from_the_ticket_page(world, ticket, fake_atlas, client_for):
    client = client_for(world.agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    run_url = reverse("admin:diagnostics_measurement_run") + f"?ticket={ticket.pk}"
    assert run_url in page
    assert client.get(run_url).status_code == 200
    response = client.post(run_url, _form(ticket))
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.ticket == ticket and measurement.shared
    for _ in range(20):
        if services.measurement_poll(measurement_id=measurement.pk) is None:
            break
    page = client.get(reverse("admin:diagnostics_measurement_change", args=[measurement.pk]))
    assert "ping from" in page.content.decode()


def test_a_refused_target_is_shown_on_the_form(world, ticket, fake_atlas, client_for):
    client = client_for(world.agent)
    url = reverse("admin:diagnostics_measurement_run") + f"?ticket={ticket.pk}"
    response = client.post(url, _form(ticket, target="10.1.2.3"))
    assert response.status_code == 200 and "private" in response.content.decode()
    assert not Measurement.objects.exists()


def test_without_a_key_the_form_says_how_to_configure_one(world, ticket, client_for, settings):
    settings.ATLAS_API_KEYS = {}
    page = client_for(world.agent).get(reverse("admin:diagnostics_measurement_run")).content
    assert b"ATLAS_API_KEYS" in page


def test_probes_from_a_network_or_an_earlier_measurement(world, ticket, fake_atlas, client_for):
    client = client_for(world.agent)
    url = reverse("admin:diagnostics_measurement_run") + f"?ticket={ticket.pk}"
    client.post(url, _form(ticket, asn="3356", in_network="4", in_country="0", in_area="0"))
    first = Measurement.objects.get()
    assert first.probes == [{"type": "asn", "value": 3356, "requested": 4}]
    client.post(url, _form(ticket, reuse=str(first.pk), kind="sslcert", sni="www.example.com"))
    second = Measurement.objects.exclude(pk=first.pk).get()
    assert second.probes == [{"type": "msm", "value": first.atlas_id, "requested": 4}]
    assert second.definition["hostname"] == "www.example.com"
