"""Merging a duplicate: its description joins the survivor's thread, worded for each reader.

What each reader may see is decided in tickets/notes.py; each persona has its test
here: the survivor's requester, the duplicate's requester, a manager, a member
without access and staff.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from activity.describe import describe
from activity.models import Event
from core.uploads import CleanUpload
from tests.factories import member_of
from tickets import services
from tickets.models import Attachment, Comment

pytestmark = pytest.mark.django_db

HIDDEN = "A duplicate ticket was merged into this one. Its description:"
NAMED = "%(number)s (%(subject)s) was merged into this ticket. Its description:"
DESCRIPTION = "The payroll VPN drops every hour since the Tuesday upgrade."
PRIVATE_SUBJECT = "Payroll VPN for the CFO"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def merged(world):
    """`member`'s ticket survives; `other_member`'s private duplicate, with a file, is merged."""
    survivor = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Internet down at HQ",
        description="Nothing works since 9:00.",
    )
    duplicate = services.ticket_open(
        organisation=world.org,
        requester=world.other_member,
        subject=PRIVATE_SUBJECT,
        description=DESCRIPTION,
        attachments=[CleanUpload(name="vpn.log", content_type="text/plain", data=b"drop")],
    )
    services.comment_add(ticket=duplicate, author=world.other_member, body="Still dropping.")
    services.ticket_merge(source=duplicate, target=survivor, by=world.agent)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return survivor, duplicate


def _page(client, user, ticket):
    client.force_login(user)
    return client.get(reverse("tickets:detail", args=[ticket.number]))


def _named(duplicate):
    return NAMED % {"number": duplicate.number, "subject": duplicate.subject}


def test_the_duplicates_description_and_files_join_the_survivors_thread(world, merged):
    survivor, duplicate = merged

    note = Comment.objects.get(ticket=survivor, verb="ticket_merged_in")
    assert note.body == DESCRIPTION
    assert note.author == world.other_member  # the words are the duplicate's requester's
    assert note.created_at == duplicate.created_at  # before the duplicate's replies
    assert note.data == {
        "ticket_id": duplicate.pk,
        "number": duplicate.number,
        "subject": PRIVATE_SUBJECT,
    }
    assert [a.name for a in Attachment.objects.filter(comment=note)] == ["vpn.log"]
    thread = list(Comment.objects.filter(ticket=survivor).values_list("body", flat=True))
    assert thread.index(DESCRIPTION) < thread.index("Still dropping.")


def test_no_sentence_is_stored_in_the_language_of_who_merged(merged):
    survivor, _duplicate = merged
    assert not Comment.objects.filter(ticket=survivor, body__icontains="merged").exists()


def test_survivors_requester_reads_the_description_not_the_duplicates_number_or_subject(
    client, world, merged
):
    survivor, duplicate = merged

    response = _page(client, world.member, survivor)

    assert response.status_code == 200
    body = response.content.decode()
    assert DESCRIPTION in body
    assert "vpn.log" in body
    assert HIDDEN in body
    assert duplicate.number not in body
    assert PRIVATE_SUBJECT not in body
    # The duplicate itself stays out of reach.
    assert _page(client, world.member, duplicate).status_code == 404


def test_survivors_requester_reads_the_note_in_their_own_language(client, world, merged):
    survivor, _duplicate = merged
    world.member.language = "es"
    world.member.save(update_fields=["language"])

    body = _page(client, world.member, survivor).content.decode()

    # Worded when read, in the reader's language (whoever merged reads English).
    with translation.override("es"):
        spanish = gettext(HIDDEN)
        assert gettext("Reply") != "Reply" and gettext("Reply") in body  # a Spanish page
    assert spanish in body
    # Once the catalog has the sentence, the English one is gone from the page.
    assert spanish == HIDDEN or HIDDEN not in body


def test_duplicates_requester_sees_which_ticket_was_merged(client, world, merged):
    survivor, duplicate = merged

    body = _page(client, world.other_member, survivor).content.decode()

    assert _named(duplicate) in body
    assert reverse("tickets:detail", args=[duplicate.number]) in body
    assert DESCRIPTION in body
    assert HIDDEN not in body


def test_manager_sees_which_ticket_was_merged(client, world, merged):
    survivor, duplicate = merged

    body = _page(client, world.manager, survivor).content.decode()

    assert _named(duplicate) in body
    assert DESCRIPTION in body


def test_member_without_access_sees_neither_ticket(client, world, merged):
    survivor, duplicate = merged
    colleague = member_of(world.org)

    assert _page(client, colleague, survivor).status_code == 404
    assert _page(client, colleague, duplicate).status_code == 404
    # The positive control: the same page answers the survivor's requester.
    assert _page(client, world.member, survivor).status_code == 200


def test_staff_read_the_note_with_a_link_to_the_duplicate(client, world, merged):
    survivor, duplicate = merged
    client.force_login(world.agent)

    body = client.get(reverse("admin:tickets_ticket_change", args=[survivor.pk])).content.decode()

    assert _named(duplicate) in body
    assert reverse("admin:tickets_ticket_change", args=[duplicate.pk]) in body
    assert DESCRIPTION in body


def test_the_survivors_event_names_no_duplicate(world, merged):
    survivor, duplicate = merged

    event = Event.objects.get(verb="ticket_merged_in")

    assert event.data == {"number": survivor.number, "subject": survivor.subject}
    assert event.actor == world.agent
    sentence = describe(event)
    assert survivor.number in sentence
    assert duplicate.number not in sentence and PRIVATE_SUBJECT not in sentence
    # The duplicate's own event still says where it went, for its own readers.
    merged_event = Event.objects.get(verb="ticket_merged")
    assert merged_event.data["number"] == duplicate.number
    assert merged_event.data["into"] == survivor.number
