"""Every file that takes data out (CSV, PDF) leaves an `export` row; documents sent, a row too."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from inventory.models import Kind
from tests.inventory.factories import make_resource
from tests.signing.factories import sent

pytestmark = pytest.mark.django_db


def exports():
    return AuditEntry.objects.filter(action=Action.EXPORT).order_by("pk")


def test_the_portals_resource_csv_is_recorded_with_its_filters_and_rows(world, client_for):
    make_resource(world.org, Kind.SWITCH, name="Core switch")
    make_resource(world.org, Kind.SWITCH, name="Edge switch")
    response = client_for(world.manager).get(reverse("inventory:csv"), {"q": "switch"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    entry = exports().get()
    assert entry.actor == world.manager and entry.organisation == world.org
    assert entry.extra["what"] == "inventory.Resource" and entry.extra["format"] == "csv"
    assert entry.extra["rows"] == len(rows) - 1 == 2
    assert entry.extra["filters"] == {"q": ["switch"]}


def test_the_admins_resource_export_is_recorded(world, client_for):
    make_resource(world.org, Kind.SWITCH, name="Core switch")
    url = reverse("admin:inventory_resource_export")
    assert client_for(world.supervisor).get(url).status_code == 200
    assert exports().get().actor == world.supervisor


def test_a_contract_statement_is_recorded_for_its_organisation(world, contract, client_for):
    client = client_for(world.manager)
    response = client.get(reverse("contracts:statement_csv", args=[contract.pk]))
    assert response.status_code == 200
    entry = exports().get()
    assert entry.target_id == str(contract.pk) and entry.organisation == world.org
    assert entry.extra["what"] == "contracts statement" and entry.extra["format"] == "csv"


def test_an_outsiders_statement_request_is_a_404_and_no_row(world, contract, client_for):
    response = client_for(world.outsider).get(
        reverse("contracts:statement_csv", args=[contract.pk])
    )
    assert response.status_code == 404
    assert not exports().exists()


def test_a_document_sent_for_signature_is_recorded_in_the_send(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = sent(world)
    entry = AuditEntry.objects.get(action=Action.DOCUMENT_SENT)
    assert entry.actor == world.agent and entry.organisation == world.org
    assert entry.target_id == str(document.pk)
    assert sorted(entry.extra["signers"]) == sorted([world.member.pk, world.manager.pk])
