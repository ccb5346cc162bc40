"""A reply and a signature are read in the client's language, placeholders filled."""

import datetime

import pytest
from django.utils import timezone, translation

from canned import services
from canned.models import Scope
from tests.canned.factories import make_reply, make_signature
from tests.tickets.factories import open_ticket

ALL_FOUR = {
    "en": "Hi {client_first_name}, {ticket_number} is due {sla_deadline}. {agent_name}",
    "es": "Hola {client_first_name}, {ticket_number} vence el {sla_deadline}. {agent_name}",
    "pt": "Olá {client_first_name}, {ticket_number} vence {sla_deadline}. {agent_name}",
    "fr": "Bonjour {client_first_name}, {ticket_number} échoit le {sla_deadline}. {agent_name}",
}


@pytest.fixture
def due_ticket(world):
    ticket = open_ticket(world)
    # 14:30 UTC is 11:30 in Santiago in December (UTC-3, summer time).
    ticket.sla_due_at = datetime.datetime(2026, 12, 4, 14, 30, tzinfo=datetime.UTC)
    ticket.save(update_fields=["sla_due_at"])
    return ticket


def test_a_reply_is_filled_in_the_clients_language_time_zone_and_format(world, due_ticket):
    world.member.display_name = "Diego Fuentes"
    world.member.language = "es"
    world.member.timezone = "America/Santiago"
    world.member.save()
    reply = make_reply(title={"en": "Due", "es": "Plazo"}, body=ALL_FOUR)

    shown = services.render(reply, due_ticket, world.agent)

    assert shown["title"] == "Plazo"
    assert shown["text"] == (
        f"Hola Diego, {due_ticket.number} vence el 4 de diciembre de 2026 a las 11:30. Ana Agent"
    )


def test_french_client_reads_french_and_a_us_client_the_us_format(world, due_ticket):
    reply = make_reply(body=ALL_FOUR)
    world.member.language = "fr"
    world.member.timezone = "Europe/Paris"
    world.member.save()
    assert "échoit le 4 décembre 2026 15:30" in services.render(reply, due_ticket, world.agent)[
        "text"
    ].replace(" à ", " ")
    world.member.language = "en"
    world.member.timezone = "America/New_York"
    world.member.save()
    text = services.render(reply, due_ticket, world.agent)["text"]
    assert "is due Dec. 4, 2026, 9:30 a.m." in text


def test_no_deadline_reads_as_words_in_the_clients_language(world):
    ticket = open_ticket(world)
    type(ticket).objects.filter(pk=ticket.pk).update(sla_due_at=None)
    ticket.refresh_from_db()
    world.member.language = "es"
    world.member.save()
    reply = make_reply(body={"es": "Plazo: {sla_deadline}"})
    with translation.override("es"):
        none = translation.gettext("no deadline pending")
    assert services.render(reply, ticket, world.agent)["text"] == f"Plazo: {none}"


def test_a_missing_language_falls_back_to_the_organisations_then_english(world, due_ticket):
    world.member.language = "pt"
    world.member.save()
    # world.org speaks Spanish: the Spanish version comes before the English one.
    reply = make_reply(title={"en": "Hi", "es": "Hola"}, body={"en": "Hello", "es": "Hola"})
    assert services.render(reply, due_ticket, world.agent)["text"] == "Hola"
    english_only = make_reply(title={"en": "Hi"}, body={"en": "Hello", "fr": "Bonjour"})
    assert services.render(english_only, due_ticket, world.agent) == {
        "title": "Hi",
        "text": "Hello",
        "language": "en",
    }


def test_other_placeholders(world, due_ticket):
    reply = make_reply(
        body={"en": "{client_name}|{ticket_subject}|{organisation}|{{x}}|{agent_name}"}
    )
    world.member.language = "en"
    world.member.save()
    text = services.render(reply, due_ticket, world.supervisor)["text"]
    name, subject = world.member.display_name, due_ticket.subject
    assert text == f"{name}|{subject}|Andes Fibra|{{x}}|Sergio Supervisor"


def test_the_signature_is_the_agents_in_the_clients_language(world, due_ticket):
    assert services.signature_for(world.agent, due_ticket) == ""
    make_signature(world.agent, en="Ana\nSupport", es="Ana\nSoporte", fr="Ana\nAssistance")
    world.member.language = "fr"
    world.member.save()
    assert services.signature_for(world.agent, due_ticket) == "Ana\nAssistance"
    world.member.language = "pt"  # none in Portuguese: the organisation's Spanish
    world.member.save()
    assert services.signature_for(world.agent, due_ticket) == "Ana\nSoporte"
    # Never another agent's.
    assert services.signature_for(world.supervisor, due_ticket) == ""


def test_the_reply_signature_hook(world, due_ticket, rf):
    from canned.parts import CannedPart

    make_signature(world.agent, en="Ana, Support", es="Ana, Soporte")
    world.member.language = "es"
    world.member.save()
    request = rf.get("/")
    request.user = world.agent
    assert CannedPart().reply_signature(request, due_ticket) == "Ana, Soporte"
    request.user = world.member
    assert CannedPart().reply_signature(request, due_ticket) == ""


def test_search_lists_personal_first_and_never_another_agents(world, due_ticket):
    from django.contrib.auth.models import Group

    other = make_reply(scope=Scope.PERSONAL, owner=world.supervisor, title={"en": "Greeting S"})
    everyone = make_reply(title={"en": "Greeting all"}, uses=5)
    mine = make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": "Greeting mine"})
    team = make_reply(
        scope=Scope.TEAM, group=Group.objects.get(name="agent"), title={"en": "Greeting team"}
    )
    supervisors = make_reply(
        scope=Scope.TEAM, group=Group.objects.get(name="supervisor"), title={"en": "Greeting sup"}
    )
    found = [r["id"] for r in services.search(world.agent, due_ticket, "greet")]
    assert found == [mine.pk, team.pk, everyone.pk]
    assert other.pk not in found and supervisors.pk not in found


def test_search_matches_any_language_without_case_or_accents(world, due_ticket):
    reply = make_reply(
        title={"en": "Closing", "fr": "Clôture"},
        body={"en": "Bye", "pt": "Até logo, obrigado pela paciência"},
    )
    make_reply(title={"en": "Other"}, body={"en": "Nothing"})
    for q in ("CLOTURE", "paciencia", "ate logo", "closing"):
        assert [r["id"] for r in services.search(world.agent, due_ticket, q)] == [reply.pk], q
    assert services.search(world.agent, due_ticket, "nowhere") == []


def test_search_gives_ten_at_most_with_a_short_filled_preview(world, due_ticket):
    world.member.language = "en"
    world.member.display_name = "Diego Fuentes"
    world.member.save()
    for n in range(12):
        make_reply(title={"en": f"Reply {n}"}, body={"en": "Dear {client_first_name} " + "x" * 300})
    found = services.search(world.agent, due_ticket, "")
    assert len(found) == 10
    assert found[0]["preview"].startswith("Dear Diego x")
    assert len(found[0]["preview"]) <= services.PREVIEW_LENGTH


def test_uses_are_counted(world):
    reply = make_reply()
    services.record_use(reply)
    services.record_use(reply)
    reply.refresh_from_db()
    assert reply.uses == 2


def test_timezone_of_the_request_is_left_alone(world, due_ticket):
    reply = make_reply(body=ALL_FOUR)
    before = timezone.get_current_timezone_name()
    services.render(reply, due_ticket, world.agent)
    assert timezone.get_current_timezone_name() == before
