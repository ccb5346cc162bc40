"""Dates follow the reader's locale: British English unless in the US, Brazilian Portuguese."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from accounts.admin import OrganisationForm
from accounts.tasks import send_invitation
from accounts.templatetags.labels import colon
from activity.describe import describe
from activity.models import Event
from core import i18n
from core.uploads import clean_uploads
from sla.display import format_business_time
from tests.contracts.factories import ContractFactory
from tests.factories import InvitationFactory, UserFactory
from tests.tickets.factories import open_ticket
from tickets.models import Ticket

MOMENT = datetime(2026, 12, 4, 16, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "Europe/London", "en-gb"),
        ("en", "UTC", "en-gb"),  # English outside the US is British
        ("en", "Australia/Sydney", "en-gb"),
        ("en", "America/New_York", "en"),
        ("en", "America/Indiana/Indianapolis", "en"),
        ("en", "Pacific/Honolulu", "en"),
        ("pt", "Europe/Lisbon", "pt-br"),  # the catalogs are Brazilian
        ("pt", "America/Sao_Paulo", "pt-br"),
        ("es", "America/Santiago", "es"),
        ("fr", "Europe/Paris", "fr"),
    ],
)
def test_the_language_activated_carries_the_region(language, zone, expected):
    assert i18n.language_for(language, zone) == expected


def _ticket_at(world, moment):
    ticket = open_ticket(world)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment, last_activity_at=moment)
    return ticket


@pytest.mark.parametrize(
    ("language", "zone", "long", "short"),
    [
        ("en", "Europe/London", "4 Dec 2026, 16:26", "04/12/2026 16:26"),
        ("en", "America/New_York", "Dec. 4, 2026, 11:26 a.m.", "12/04/2026 11:26 a.m."),
        ("es", "Europe/Madrid", "4 de diciembre de 2026 a las 17:26", "04/12/2026 17:26"),
        ("pt", "America/Sao_Paulo", "4 de dezembro de 2026 às 13:26", "04/12/2026 13:26"),
        ("fr", "Europe/Paris", "4 décembre 2026 17:26", "04/12/2026 17:26"),
    ],
)
def test_ticket_pages_write_dates_in_the_readers_locale(
    client_for, world, language, zone, long, short
):
    world.member.language, world.member.timezone = language, zone
    world.member.save(update_fields=["language", "timezone"])
    ticket = _ticket_at(world, MOMENT)
    client = client_for(world.member)
    detail = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert f">{long}</time>" in detail
    listing = client.get(reverse("tickets:list")).content.decode()
    assert f">{short}</time>" in listing


def test_the_invitation_email_uses_the_organisations_locale(world):
    world.other_org.default_language, world.other_org.timezone = "en", "Europe/London"
    world.other_org.save(update_fields=["default_language", "timezone"])
    invitation = InvitationFactory(organisation=world.other_org, invited_by=world.outsider)
    send_invitation(invitation.pk)
    expires = invitation.expires_at.astimezone(ZoneInfo("Europe/London"))
    british = f"{expires.day} {expires:%b} {expires.year}"  # "11 Dec 2026"
    body = mail.outbox[0].body
    assert f"The link works until {british}." in body
    assert f"{expires:%b}. {expires.day}," not in body  # not the US "Dec. 11, 2026"


def test_the_pdf_statement_uses_the_readers_locale(client, world):
    contract = ContractFactory(organisation=world.org, name="Support", bank_hours=2)
    world.manager.language, world.manager.timezone = "en", "Europe/London"
    world.manager.save(update_fields=["language", "timezone"])
    client.force_login(world.manager)
    url = reverse("contracts:statement_pdf", args=[contract.pk])
    response = client.get(url)  # the current period
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    day = r"\d{1,2} [A-Z][a-z]{2} \d{4}"  # 1 Dec 2026
    assert re.search(rf"Support · {day} to {day}\n", text), text
    assert re.search(rf"Generated on {day}, \d\d:\d\d\. Times in Europe/London\.", text), text


def test_portuguese_speaks_brazilian_even_in_djangos_own_texts(client_for, world):
    world.member.language = "pt"
    world.member.save(update_fields=["language"])
    body = client_for(world.member).get(reverse("accounts:password_change")).content.decode()
    assert "senha" in body.lower()
    assert "palavra-passe" not in body.lower()


def test_portuguese_month_names_are_lower_case(world):
    with i18n.override("pt", "America/Sao_Paulo"):
        assert date_format(MOMENT, "DATE_FORMAT") == "4 de dezembro de 2026"
        assert date_format(MOMENT, "l") == "sexta-feira"


def test_the_language_switch_marks_the_base_language(client_for, world):
    world.member.language, world.member.timezone = "pt", "America/Sao_Paulo"
    world.member.save(update_fields=["language", "timezone"])
    body = client_for(world.member).get(reverse("portal:dashboard")).content.decode()
    assert 'value="pt" lang="pt" class="chip" aria-current="true"' in body
    assert 'value="en" lang="en" class="chip" aria-current="true"' not in body


# The time zone select ------------------------------------------------------------------


def _profile_post(client, **changes):
    data = {"display_name": "Diego", "language": "en", "timezone": "UTC", "phone": ""}
    return client.post(reverse("accounts:profile"), {**data, **changes})


def test_the_time_zone_select_groups_readable_zones_the_organisations_first(client_for, world):
    world.org.timezone = "America/Santiago"
    world.org.save(update_fields=["timezone"])
    response = client_for(world.member).get(reverse("accounts:profile"))
    body = response.content.decode()
    select = body[
        body.index('name="timezone"') : body.index("</select>", body.index('name="timezone"'))
    ]
    first = select.index("<option")
    assert select[first:].startswith('<option value="America/Santiago">Santiago (America)</option>')
    assert '<optgroup label="Europe">' in select and '<optgroup label="America">' in select
    assert (
        '<option value="America/Argentina/Buenos_Aires">Buenos Aires (Argentina)</option>' in select
    )
    assert '<option value="Europe/London">London</option>' in select
    for raw in ("Factory", "localtime", "Etc/GMT+3", "US/Eastern", "posixrules", "GB"):
        assert f'value="{raw}"' not in select, raw
    assert select.count("<option") < 450  # not the ~600 names of the database


def test_the_region_names_are_translated(client_for, world):
    world.member.language = "fr"
    world.member.save(update_fields=["language"])
    body = client_for(world.member).get(reverse("accounts:profile")).content.decode()
    assert '<optgroup label="Amérique">' in body


@pytest.mark.parametrize("zone", ["Factory", "localtime", "Mars/Olympus", "US/Pacific"])
def test_a_zone_outside_the_list_is_refused_and_nothing_is_saved(client_for, world, zone):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    response = _profile_post(client, timezone=zone, display_name="Changed", language="fr")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["timezone"]
    assert "Escoja una opción válida" in response.content.decode()  # in the language shown
    world.member.refresh_from_db()
    assert (world.member.display_name, world.member.language) == ("Diego", "es")
    assert world.member.timezone == "UTC"
    # The same form with a listed zone saves: the refusal is about the zone.
    assert _profile_post(client, timezone="Europe/London").status_code == 302
    world.member.refresh_from_db()
    assert world.member.timezone == "Europe/London"


def test_a_zone_stored_before_the_list_stays_valid_for_its_owner(client_for, world):
    world.member.timezone = "US/Eastern"
    world.member.save(update_fields=["timezone"])
    client = client_for(world.member)
    assert 'value="US/Eastern" selected' in client.get(reverse("accounts:profile")).content.decode()
    assert _profile_post(client, timezone="US/Eastern").status_code == 302
    world.member.refresh_from_db()
    assert world.member.timezone == "US/Eastern"


# Counts agree with their words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "minutes", "expected"),
    [
        ("es", 1, "queda 1 minuto"),  # not "quedan 1 minuto"
        ("es", 5, "quedan 5 minutos"),
        ("es", 60, "queda 1 hora"),
        ("es", 65, "quedan 1 h 5 min"),
        ("es", -1, "1 minuto de retraso"),
        ("pt", 1, "falta 1 minuto"),
        ("pt", 120, "faltam 2 horas"),
        ("fr", 1, "il reste 1 minute"),
        ("fr", -120, "2 heures de retard"),
        ("en", 1, "1 minute left"),
        ("en", -125, "2 h 5 min late"),
    ],
)
def test_sla_time_left_agrees_with_its_count(language, minutes, expected):
    with translation.override(language):
        assert format_business_time(timedelta(minutes=minutes)) == expected


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("es", 1, "TKT-1 se cerró tras 1 día sin respuesta"),
        ("es", 7, "TKT-1 se cerró tras 7 días sin respuesta"),
        ("en", 1, "TKT-1 was closed after 1 day without a reply"),
        ("fr", 7, "TKT-1 a été fermé après 7 jours sans réponse"),
    ],
)
def test_event_sentences_agree_with_their_count(language, days, expected):
    event = Event(verb="ticket_auto_closed", data={"number": "TKT-1", "days": days})
    with translation.override(language):
        assert describe(event) == expected


def test_the_attachment_limit_agrees_with_its_count(settings):
    settings.ATTACHMENT_MAX_COUNT = 1
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        clean_uploads([SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")])
    assert refused.value.messages == ["Adjunta como máximo 1 archivo."]


def test_the_admin_offers_the_same_zones(client, world):
    admin = UserFactory(email="root@support.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    body = client.get(reverse("admin:accounts_organisation_change", args=[world.org.pk]))
    body = body.content.decode()
    assert '<optgroup label="Europe">' in body
    assert 'value="Factory"' not in body and 'value="localtime"' not in body
    user_page = client.get(reverse("admin:accounts_user_change", args=[world.member.pk]))
    assert '<option value="Europe/London">London</option>' in user_page.content.decode()
    data = {"name": "Andes", "slug": "andes", "country": "CL", "default_language": "es"}
    refused = OrganisationForm(data={**data, "timezone": "Factory"}, instance=world.org)
    assert list(refused.errors) == ["timezone"]
    assert OrganisationForm(
        data={**data, "timezone": "Europe/London"}, instance=world.org
    ).is_valid()


def test_a_label_takes_the_colon_of_its_language():
    with translation.override("fr"):
        assert colon("Échéance") == "Échéance\u00a0:"  # French: a non-breaking space before
    with translation.override("en-gb"):
        assert colon("Deadline") == "Deadline:"


def test_the_preferences_labels_take_the_french_colon(client_for, world):
    world.member.language = "fr"
    world.member.save(update_fields=["language"])
    body = client_for(world.member).get(reverse("accounts:profile")).content.decode()
    labels = re.findall(r'class="visually-hidden">([^<]+)</label>', body)
    assert labels and all("\u00a0: " in label for label in labels), labels
