"""Staff read what became of each inbound e-mail, and change nothing; the demo's reply
that came by e-mail."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from mailin import demo, services
from mailin.models import InboundMail
from tickets import services as ticket_services
from tickets.models import Comment

from .conftest import address_for
from .mail import reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(world, ticket):
    services.receive(
        reply(to=address_for(ticket, world.member), sender=world.member.email), source="imap"
    )
    services.receive(reply(to="nobody@else.test", sender="stranger@else.test"), source="imap")
    return InboundMail.objects.all()


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_staff_read_the_inbound_mail_and_change_nothing(client, world, handled, who):
    client.force_login(getattr(world, who))
    listing = client.get(reverse("admin:mailin_inboundmail_changelist"))
    assert listing.status_code == 200
    assert b"stranger@else.test" in listing.content
    replied = handled.get(outcome="replied")
    page = client.get(reverse("admin:mailin_inboundmail_change", args=[replied.pk]))
    assert page.status_code == 200
    assert replied.ticket.number.encode() in page.content
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:mailin_inboundmail_add")).status_code == 403
    response = client.post(reverse("admin:mailin_inboundmail_delete", args=[replied.pk]))
    assert response.status_code == 403
    assert InboundMail.objects.count() == 2


def test_clients_never_reach_it(client, world, handled):
    client.force_login(world.manager)
    response = client.get(reverse("admin:mailin_inboundmail_changelist"))
    assert response.status_code == 302


def test_the_demo_marks_one_client_reply_as_by_email_once(world, ticket):
    ticket_services.comment_add(ticket=ticket, author=world.agent, body="Restart it?")
    first = ticket_services.comment_add(ticket=ticket, author=world.member, body="Done.")
    latest = ticket_services.comment_add(ticket=ticket, author=world.member, body="Works.")
    scene = SimpleNamespace(organisations={world.org.slug: world.org})

    demo.run(scene)
    demo.run(scene)

    assert list(Comment.objects.filter(data__via="email")) == [latest]
    first.refresh_from_db()
    assert first.data == {}
