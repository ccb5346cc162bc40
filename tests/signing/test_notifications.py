"""Who hears of a document's events, on which channels, and what the feed shows."""

import pytest
from django.urls import reverse

from activity.models import Event
from activity.tasks import _dispatch
from notifications.fanout import recipients
from notifications.models import Notification
from signing import services

from .factories import sent, sign

pytestmark = pytest.mark.django_db


def _heard(verb, document) -> set:
    event = Event.objects.filter(verb=verb, data__number=document.number).latest("pk")
    return {user.email for user in recipients(event)}


def test_a_request_to_sign_reaches_the_signer_whose_turn_it_is(world):
    document = sent(world, signers=[world.member, world.manager])
    assert _heard("document_sent", document) == {world.member.email}
    sign(document, world.member)
    # The manager's turn: asked now; the colleague who prepared it hears of the signature.
    assert _heard("document_sent", document) == {world.manager.email}
    assert _heard("document_signed", document) == {world.manager.email, world.agent.email}


def test_completion_and_decline_reach_the_signers_asked_and_the_sender(world):
    document = sent(world, signers=[world.member, world.manager], in_order=False)
    sign(document, world.member)
    sign(document, world.manager)
    from .factories import with_seal

    with with_seal():
        services.document_seal(document_id=document.pk)
    assert _heard("document_completed", document) == {
        world.member.email,
        world.manager.email,
        world.agent.email,
    }
    other = sent(world, signers=[world.member, world.manager])
    services.document_decline(document=other, user=world.member, reason="No")
    # The manager was never asked (in order, after the member): nothing to hear.
    assert _heard("document_declined", other) == {world.agent.email}


def test_a_request_to_sign_is_loud_by_default(world, mailoutbox):
    document = sent(world, signers=[world.member])
    event = Event.objects.get(verb="document_sent", data__number=document.number)
    _dispatch(event.pk)
    channels = set(
        Notification.objects.filter(event=event, user=world.member).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"portal", "email"}


def test_the_feed_shows_a_managers_colleagues_signatures_and_links_the_document(world, client_for):
    document = sent(world, signers=[world.member])
    sign(document, world.member)
    page = client_for(world.manager).get(reverse("activity:feed")).content.decode()
    assert document.get_absolute_url() in page
    assert document.title in page
    # A colleague who is not asked to sign reads none of it.
    page = client_for(world.other_member).get(reverse("activity:feed")).content.decode()
    assert document.title not in page
