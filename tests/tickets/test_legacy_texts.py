"""Migration tickets/0010: threads written before escalations and merges were stored as data.

Rows are made the way the old code left them (a sentence in the actor's language,
an escalation without escalated_by), the migration's function is run on them, and
each reader then gets the sentence in their own language.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from tests.tickets.factories import open_ticket
from tickets import notes, services
from tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db

legacy = importlib.import_module("tickets.migrations.0010_legacy_system_texts")

REASON = "El enlace cae cada hora desde el martes"
SPANISH_ESCALATION = f"Escalamiento solicitado: {REASON}"
FRENCH_ESCALATION = f"Escalade demandée\u00a0: {REASON}"
ENGLISH_ESCALATION = f"Escalation requested: {REASON}"
PRIVATE_SUBJECT = "Payroll VPN for the CFO"
# A person's words that end like the old merge sentence: they must stay as written.
LOOKALIKE = "Looks like the VPN (again) was merged into this ticket."


@pytest.fixture
def old_rows(world):
    """An escalation and a merge as the code before 0006/0007 recorded them, in Spanish."""
    ticket = open_ticket(world, requester=world.member, subject="Internet down at HQ")
    # ticket_escalate, as it was: escalated_at only, a public comment, an event on it.
    Ticket.objects.filter(pk=ticket.pk).update(
        escalated_at=timezone.now(), public_reply_count=F("public_reply_count") + 1
    )
    escalation = Comment.objects.create(ticket=ticket, author=world.member, body=SPANISH_ESCALATION)
    Event.objects.create(
        organisation=world.org,
        actor=world.member,
        verb="ticket_escalated",
        target_type=ContentType.objects.get_for_model(Comment),
        target_id=str(escalation.pk),
        data={"number": ticket.number, "subject": ticket.subject, "reason": REASON},
    )
    # ticket_merge, as it was: the agent's sentence on the survivor, in the agent's language.
    duplicate = open_ticket(world, requester=world.other_member, subject=PRIVATE_SUBJECT)
    Ticket.objects.filter(pk=duplicate.pk).update(merged_into=ticket)
    merge = Comment.objects.create(
        ticket=ticket,
        author=world.agent,
        body=f"{duplicate.number} ({PRIVATE_SUBJECT}) se fusionó con este ticket.",
    )
    lookalike = Comment.objects.create(ticket=ticket, author=world.member, body=LOOKALIKE)
    return ticket, duplicate, escalation, merge, lookalike


def _convert():
    legacy.convert(apps, None)


def _page(client, user, ticket, language, name="tickets:detail"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(reverse(name, args=[ticket.number])).content.decode()


def test_an_old_escalation_gets_who_escalated_and_why(world, old_rows):
    ticket, _duplicate, escalation, _merge, _lookalike = old_rows
    replies = Ticket.objects.get(pk=ticket.pk).public_reply_count

    _convert()

    ticket.refresh_from_db()
    assert ticket.escalated_by == world.member
    assert ticket.escalation_reason == REASON
    escalation.refresh_from_db()
    assert (escalation.verb, escalation.data, escalation.body) == (
        notes.ESCALATED,
        {"reason": REASON},
        "",
    )
    # History stays: same author, same place in the thread, still counted.
    assert escalation.author == world.member
    assert ticket.public_reply_count == replies


def test_the_client_reads_the_old_escalation_in_their_language(client, world, old_rows):
    ticket = old_rows[0]
    before = _page(client, world.member, ticket, "fr")
    assert SPANISH_ESCALATION in before  # the control: the old row reads in Spanish

    _convert()

    for name in ("tickets:detail", "tickets:live"):
        body = _page(client, world.member, ticket, "fr", name)
        assert FRENCH_ESCALATION in body
        assert "Escalamiento solicitado" not in body


def test_staff_read_the_old_escalation_in_their_language(client, world, old_rows):
    ticket = old_rows[0]
    _convert()
    client.force_login(world.agent)

    body = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert ENGLISH_ESCALATION in body
    assert "Escalamiento solicitado" not in body


def test_an_old_merge_sentence_becomes_a_merge_note(world, old_rows):
    ticket, duplicate, _escalation, merge, lookalike = old_rows
    created = merge.created_at

    _convert()

    merge.refresh_from_db()
    assert merge.verb == notes.MERGED_IN
    assert merge.data == {
        "ticket_id": duplicate.pk,
        "number": duplicate.number,
        "subject": PRIVATE_SUBJECT,
    }
    assert merge.body == ""
    assert (merge.author, merge.created_at, merge.ticket_id) == (world.agent, created, ticket.pk)
    lookalike.refresh_from_db()
    assert (lookalike.verb, lookalike.body) == ("", LOOKALIKE)


def test_the_old_merge_note_is_worded_for_each_reader(client, world, old_rows):
    ticket, duplicate, *_rest = old_rows
    _convert()

    # The manager may open the duplicate: its number and subject, in Portuguese.
    body = _page(client, world.manager, ticket, "pt")
    assert f"{duplicate.number} ({PRIVATE_SUBJECT}) foi mesclado neste chamado." in body
    assert reverse("tickets:detail", args=[duplicate.number]) in body
    assert "se fusionó" not in body

    # The survivor's requester may not: no number, no subject, in French.
    body = _page(client, world.member, ticket, "fr")
    assert "Un ticket en double a été fusionné dans celui-ci." in body
    assert PRIVATE_SUBJECT not in body
    assert duplicate.number not in body
    assert "Sa description" not in body  # the old note never carried the description

    client.force_login(world.agent)
    body = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert f"{duplicate.number} ({PRIVATE_SUBJECT}) was merged into this ticket." in body
    assert reverse("admin:tickets_ticket_change", args=[duplicate.pk]) in body


def test_a_merge_of_a_ticket_no_longer_found_names_it_without_a_link(client, world):
    ticket = open_ticket(world, requester=world.member, subject="Internet down at HQ")
    merge = Comment.objects.create(
        ticket=ticket,
        author=world.agent,
        body="TKT-2019-00042 (Old router) a été fusionné dans ce ticket.",
    )

    _convert()

    merge.refresh_from_db()
    assert merge.data == {"ticket_id": None, "number": "TKT-2019-00042", "subject": "Old router"}
    body = _page(client, world.member, ticket, "en")
    assert "A duplicate ticket was merged into this one." in body
    assert "TKT-2019-00042" not in body
    client.force_login(world.agent)
    body = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "TKT-2019-00042 (Old router) was merged into this ticket." in body


def test_running_it_again_changes_nothing(world, old_rows):
    ticket = old_rows[0]
    # A current escalation (escalated_by already set) is not the migration's to touch.
    current = open_ticket(world, requester=world.manager, subject="Printer offline")
    services.ticket_escalate(ticket=current, reason="Whole floor blocked", by=world.manager)

    def snapshot():
        return (
            list(Comment.objects.order_by("pk").values_list("pk", "verb", "data", "body")),
            list(
                Ticket.objects.order_by("pk").values_list(
                    "pk", "escalated_by", "escalation_reason", "public_reply_count"
                )
            ),
        )

    before = snapshot()
    _convert()
    once = snapshot()
    _convert()

    assert once != before
    assert snapshot() == once
    current.refresh_from_db()
    assert (current.escalated_by, current.escalation_reason) == (
        world.manager,
        "Whole floor blocked",
    )
    assert Ticket.objects.get(pk=ticket.pk).escalated_by == world.member
