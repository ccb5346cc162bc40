"""The statement of hours: PDF (WeasyPrint, read back with pypdf) and CSV."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from contracts import services, statement
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import open_ticket


@pytest.fixture
def contract(world):
    # A small bank, so that March's hours go over it.
    return ContractFactory(organisation=world.org, bank_hours=Decimal("2"))


@pytest.fixture
def logged(world, contract):
    """March 2026: 3 h counted (1 h over a 2 h bank) and 30 min not billed, two tickets."""
    router = open_ticket(world, "Router down")
    vpn = open_ticket(world, "VPN slow")
    for ticket, minutes, what, billable, day in [
        (router, 90, "Replaced the power supply", True, 3),
        (router, 30, "Follow-up call", False, 4),
        (vpn, 60, "Moved the tunnel to the new gateway", True, 10),
        (vpn, 30, "=HYPERLINK(1)", True, 11),
    ]:
        services.time_entry_add(
            ticket=ticket,
            agent=world.agent,
            minutes=minutes,
            description=what,
            billable=billable,
            performed_at=datetime(2026, 3, day, 15, tzinfo=UTC),
        )
    return router, vpn


def _get(client, user, name, contract, period="2026-03-01"):
    client.force_login(user)
    return client.get(reverse(name, args=[contract.pk]), {"period": period})


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_shows_the_organisation_and_the_totals(client, world, contract, logged):
    response = _get(client, world.manager, "contracts:statement_pdf", contract)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="hours-andes-soporte-2026-2026-03.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response)
    assert "Andes Fibra" in text
    assert "Soporte 2026" in text
    lines = text.splitlines()
    for line in (
        "Hours in the bank 2 h",
        "Used 3 h",
        "Over the bank 1 h",
        "Price of an extra hour 45.00 EUR",
        "Extra hours at that price 45.00 EUR",
        "Not billed (not counted) 30 min",
        "Total counted 3 h 30 min",
    ):
        assert line in lines, line
    assert any(line.endswith("Router down 1 h 30 30 min") for line in lines)
    assert any(line.endswith("VPN slow 1 h 30 —") for line in lines)
    assert "Replaced the power supply" in text and "Follow-up call" in text


def test_the_pdf_is_in_the_users_language(client, world, contract, logged):
    world.manager.language = "es"
    world.manager.save()
    text = _pdf_text(_get(client, world.manager, "contracts:statement_pdf", contract))
    assert "Organización Andes Fibra" in text
    assert "FECHA" in text  # the column headings are in capitals
    assert "1 de marzo de 2026" in text
    with translation.override("es"):
        assert translation.gettext("Statement of hours") in text
    assert "45,00 EUR" in text  # Spanish decimal comma


def test_the_csv_has_the_summary_the_tickets_and_each_entry(client, world, contract, logged):
    response = _get(client, world.manager, "contracts:statement_csv", contract)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="hours-andes-soporte-2026-2026-03.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    summary = {row[0]: row[1:] for row in rows[:12] if row}
    assert summary["Organisation"] == ["Andes Fibra"]
    assert summary["Period"] == ["2026-03-01", "2026-03-31"]
    assert summary["Hours in the bank"] == ["2.00"]
    assert summary["Used"] == ["3.00"]
    assert summary["Over the bank"] == ["1.00"]
    assert summary["Extra hours at that price"] == ["45.00", "EUR"]
    tickets = rows[
        rows.index(["Ticket", "Subject", "Billable hours", "Not billable hours", "Entries"]) + 1 :
    ]
    assert tickets[0][1:] == ["Router down", "1.50", "0.50", "2"]
    entries = rows[
        rows.index(["Date", "Ticket", "What was done", "By", "Minutes", "Hours", "Billable"]) + 1 :
    ]
    assert len(entries) == 4
    assert entries[0][2:] == ["Replaced the power supply", "Ana Agent", "90", "1.50", "yes"]
    assert entries[1][-1] == "no"
    # A spreadsheet must never run what an agent typed.
    assert entries[3][2] == "'=HYPERLINK(1)"


def test_csv_dates_are_in_the_users_time_zone(client, world, contract, logged):
    world.manager.timezone = "America/Santiago"
    world.manager.save()
    response = _get(client, world.manager, "contracts:statement_csv", contract)
    text = response.content.decode("utf-8-sig")
    assert "2026-03-03 12:00" in text  # 15:00 UTC is noon in Santiago in March


def test_the_statement_follows_the_chosen_period(client, world, contract, logged):
    router, _vpn = logged
    services.time_entry_add(ticket=router, agent=world.agent, minutes=15, description="Today")
    march = _get(client, world.manager, "contracts:statement_csv", contract).content.decode()
    now = _get(client, world.manager, "contracts:statement_csv", contract, period="").content
    assert "Today" not in march and "Replaced the power supply" in march
    assert "Today" in now.decode() and "Replaced the power supply" not in now.decode()


def test_the_partner_gets_the_statement_and_a_member_does_not(client, world, contract, logged):
    assert _get(client, world.partner, "contracts:statement_csv", contract).status_code == 200
    assert _get(client, world.member, "contracts:statement_csv", contract).status_code == 404
    assert _get(client, world.member, "contracts:statement_pdf", contract).status_code == 404


def test_a_long_pdf_stops_at_the_cap_and_points_to_the_csv(
    client, world, contract, logged, monkeypatch
):
    monkeypatch.setattr(statement, "PDF_MAX_ENTRIES", 3)
    text = _pdf_text(_get(client, world.manager, "contracts:statement_pdf", contract))
    assert "Moved the tunnel to the new gateway" in text  # the third entry
    assert "=HYPERLINK(1)" not in text  # the fourth
    assert "And 1 more entry: the CSV statement lists every entry." in text
    assert "Total counted 3 h 30 min" in text.splitlines()  # totals are never cut
    csv_text = _get(client, world.manager, "contracts:statement_csv", contract).content.decode()
    assert "HYPERLINK" in csv_text


def test_a_long_unbroken_word_wraps_on_the_page(client, world, contract, logged):
    router, _vpn = logged
    word = "A" * 120
    type(router).objects.filter(pk=router.pk).update(subject=word)
    text = _pdf_text(_get(client, world.manager, "contracts:statement_pdf", contract))
    longest_run = max(len(run) for run in re.findall(r"A+", text))
    assert text.count("A") >= 120  # all of it is printed...
    assert longest_run < 120  # ...over several lines, not off the edge of the page
