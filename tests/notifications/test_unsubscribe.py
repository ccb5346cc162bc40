"""The one-click link under every e-mail: it mutes one ticket (or stops one kind of
e-mail) for the one person it was sent to, without a login; GET only asks."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from activity.models import Event
from notifications import unsubscribe
from notifications.models import Notification, Preference
from tests.tickets.factories import TicketFactory
from tickets import services
from tickets.models import TicketMute

pytestmark = pytest.mark.django_db


def _link(user, **target):
    return reverse("notifications:unsubscribe", args=[unsubscribe.token(user, **target)])


@pytest.fixture
def ticket(world):
    return TicketFactory(organisation=world.org, requester=world.member, subject="Router down")


@pytest.fixture
def anonymous():
    # As a mail client posts: no session, no CSRF token.
    return Client(enforce_csrf_checks=True)


def test_get_asks_to_confirm_and_changes_nothing(world, ticket, anonymous):
    response = anonymous.get(_link(world.member, number=ticket.number))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Stop notifications about {ticket.number}?" in html
    assert '<form method="post">' in html
    assert not TicketMute.objects.exists()


def test_post_mutes_that_ticket_for_that_person_without_a_login(world, ticket, anonymous, dispatch):
    other = TicketFactory(organisation=world.org, requester=world.member)

    response = anonymous.post(
        _link(world.member, number=ticket.number), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert f"{ticket.number} is muted" in response.content.decode()
    assert list(TicketMute.objects.values_list("ticket_id", "user_id")) == [
        (ticket.pk, world.member.pk)
    ]
    # What it changes: the next reply reaches the watcher, not the one who muted.
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.manager)
    services.comment_add(ticket=ticket, author=world.agent, body="Fixed?")
    services.comment_add(ticket=other, author=world.agent, body="And this one?")
    dispatch()
    reply, other_reply = Event.objects.filter(verb="ticket_replied").order_by("pk")
    assert not Notification.objects.filter(event=reply, user=world.member).exists()
    assert Notification.objects.filter(event=reply, user=world.other_member).exists()
    assert Notification.objects.filter(event=other_reply, user=world.member).exists()


def test_posting_twice_is_harmless(world, ticket, anonymous):
    link = _link(world.member, number=ticket.number)
    assert anonymous.post(link).status_code == 200
    assert anonymous.post(link).status_code == 200
    assert TicketMute.objects.count() == 1


def test_a_link_mutes_only_its_own_person_and_ticket(world, ticket, anonymous):
    other = TicketFactory(organisation=world.org, requester=world.member)
    TicketFactory(organisation=world.other_org, requester=world.outsider)

    anonymous.post(_link(world.other_member, number=ticket.number))

    assert set(TicketMute.objects.values_list("ticket_id", "user_id")) == {
        (ticket.pk, world.other_member.pk)
    }
    assert not TicketMute.objects.filter(user=world.member).exists()
    assert not TicketMute.objects.filter(ticket=other).exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(world, ticket, anonymous, method):
    response = getattr(anonymous, method)(_link(world.member, number=ticket.number))
    assert response.status_code == 405
    assert not TicketMute.objects.exists()


def _tampered(world, ticket):
    genuine = unsubscribe.token(world.member, number=ticket.number)
    _payload, rest = genuine.split(":", 1)
    forged_payload = signing.b64_encode(
        signing.JSONSerializer().dumps({"u": world.manager.pk, "t": ticket.number})
    ).decode()
    return {
        "forged payload": f"{forged_payload}:{rest}",
        "cut signature": genuine[:-3],
        "another salt": signing.dumps({"u": world.member.pk, "t": ticket.number}),
        "garbage": "not-a-token",
        "not a dict": signing.dumps([world.member.pk], salt=unsubscribe.SALT),
        "unknown ticket": signing.dumps(
            {"u": world.member.pk, "t": "TKT-1999-00001"}, salt=unsubscribe.SALT
        ),
        "unknown kind": signing.dumps({"u": world.member.pk, "k": "nope"}, salt=unsubscribe.SALT),
    }


def test_a_tampered_or_foreign_token_is_a_404_and_mutes_nothing(world, ticket, anonymous):
    for name, value in _tampered(world, ticket).items():
        link = reverse("notifications:unsubscribe", args=[value])
        assert anonymous.get(link).status_code == 404, name
        assert anonymous.post(link).status_code == 404, name
    assert not TicketMute.objects.exists()
    assert not Preference.objects.exists()
    # The control: the genuine link works.
    assert anonymous.post(_link(world.member, number=ticket.number)).status_code == 200
    assert TicketMute.objects.filter(user=world.member, ticket=ticket).exists()


def test_a_deactivated_persons_link_is_a_404(world, ticket, anonymous):
    link = _link(world.member, number=ticket.number)
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    assert anonymous.post(link).status_code == 404
    assert not TicketMute.objects.exists()


def test_a_kind_link_stops_that_kinds_e_mails_only(world, anonymous):
    link = _link(world.manager, kind="hours_bank")

    page = anonymous.get(link)
    assert page.status_code == 200
    assert "Stop e-mails about “Hours bank”?" in page.content.decode()
    assert not Preference.objects.exists()

    done = anonymous.post(link)
    assert done.status_code == 200
    assert list(Preference.objects.values_list("user_id", "kind", "channel", "enabled")) == [
        (world.manager.pk, "hours_bank", "email", False)
    ]


def test_the_page_speaks_the_recipients_language_not_the_browsers(world, ticket, anonymous):
    world.member.language = "fr"
    world.member.save(update_fields=["language"])
    response = anonymous.get(
        _link(world.member, number=ticket.number), headers={"accept-language": "es"}
    )
    html = response.content.decode()
    assert '<html lang="fr"' in html
    from django.utils import translation

    with translation.override("fr"):
        asked = translation.gettext("Stop notifications about %(number)s?") % {
            "number": ticket.number
        }
    assert asked != f"Stop notifications about {ticket.number}?"  # the catalog has it
    assert asked in html
