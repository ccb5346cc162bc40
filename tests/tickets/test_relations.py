"""Tags and links between tickets: staff-only filing through tickets/relations.py and the
ticket page's panel (tickets/admin/relations.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from activity.models import Event, Visibility
from tests.tickets.factories import open_ticket
from tickets import relations
from tickets.models import LinkKind, Tag, Ticket, TicketLink


def test_a_tag_is_one_whatever_its_case_and_its_event_is_internal(world, ticket):
    other = open_ticket(world, "Second")
    first = relations.tag_add(ticket=ticket, name="  Fibre   cut ", by=world.agent)
    again = relations.tag_add(ticket=other, name="FIBRE CUT", by=world.agent)

    assert first == again and first.name == "Fibre cut" and Tag.objects.count() == 1
    assert set(first.tickets.all()) == {ticket, other}
    event = Event.objects.filter(verb="ticket_tag_added").latest("pk")
    assert event.visibility == Visibility.INTERNAL and event.data["tag"] == "Fibre cut"
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="fibre CUT", slug="other-slug")


def test_tag_refusals_are_clear_and_change_nothing(world, ticket):
    relations.tag_add(ticket=ticket, name="vip", by=world.agent)
    before = Event.objects.count()
    for name, by in (("vip", world.agent), ("", world.agent), ("x" * 51, world.agent)):
        with pytest.raises(ValidationError):
            relations.tag_add(ticket=ticket, name=name, by=by)
    with pytest.raises(ValidationError, match="Only support staff"):
        relations.tag_add(ticket=ticket, name="mine", by=world.manager)
    assert Event.objects.count() == before and list(Tag.objects.values_list("name", flat=True)) == [
        "vip"
    ]


def test_links_read_from_both_sides_and_refuse_self_and_duplicates(world, ticket):
    blocked = open_ticket(world, "Waits on the router")
    link = relations.link_add(ticket=ticket, other=blocked, kind=LinkKind.BLOCKS, by=world.agent)

    assert [(w, t) for w, t, _l in relations.links_of(ticket)] == [("blocks", blocked)]
    assert [(w, t) for w, t, _l in relations.links_of(blocked)] == [("blocked by", ticket)]
    with pytest.raises(ValidationError, match="already linked"):
        relations.link_add(ticket=blocked, other=ticket, kind=LinkKind.RELATES, by=world.agent)
    with pytest.raises(ValidationError, match="itself"):
        relations.link_add(ticket=ticket, other=ticket, kind=LinkKind.RELATES, by=world.agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketLink.objects.create(from_ticket=ticket, to_ticket=ticket, kind="relates")
    events = Event.objects.filter(verb="ticket_linked").order_by("pk")
    assert [e.visibility for e in events] == [Visibility.INTERNAL] * 2
    assert events[1].data["kind"] == "blocks:reverse"

    relations.link_remove(link=link, by=world.agent)
    assert not TicketLink.objects.exists()
    assert Event.objects.filter(verb="ticket_unlinked").count() == 2


def test_clients_never_see_tags_or_their_events(client_for, world, ticket):
    relations.tag_add(ticket=ticket, name="angry-client", by=world.agent)
    client = client_for(world.manager)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    feed = client.get(reverse("activity:feed")).content.decode()
    assert "angry-client" not in page and "angry-client" not in feed


def _panel_post(client, url_name, ticket, *args, **data):
    url = reverse(f"admin:tickets_ticket_{url_name}", args=[ticket.pk, *args])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_the_panel_adds_and_removes_tags_and_links_with_htmx(client_for, world, ticket):
    other = open_ticket(world, "Duplicate of the first")
    Tag.objects.create(name="outage", slug="outage")
    client = client_for(world.agent)

    panel = client.get(reverse("admin:tickets_ticket_relations", args=[ticket.pk]))
    assert panel.status_code == 200
    assert '<option value="outage">' in panel.content.decode()  # the datalist's suggestion

    answer = _panel_post(client, "tag_add", ticket, name="outage")
    assert answer.status_code == 200 and 'id="ticket-relations"' in answer.content.decode()
    assert list(ticket.tags.values_list("name", flat=True)) == ["outage"]

    answer = _panel_post(client, "link_add", ticket, kind="duplicate", number=other.number.lower())
    assert other.number in answer.content.decode() and "duplicate of" in answer.content.decode()
    refused = _panel_post(client, "link_add", ticket, kind="relates", number="TKT-1999-00001")
    assert "There is no ticket TKT-1999-00001." in refused.content.decode()

    link = TicketLink.objects.get()
    _panel_post(client, "link_remove", ticket, link.pk)
    _panel_post(client, "tag_remove", ticket, Tag.objects.get().pk)
    assert not TicketLink.objects.exists() and not ticket.tags.exists()


def test_the_panel_needs_change_permission_and_staff(client_for, world, ticket):
    world.agent.groups.clear()
    from django.contrib.auth.models import Permission

    world.agent.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    url = reverse("admin:tickets_ticket_tag_add", args=[ticket.pk])
    assert client_for(world.agent).post(url, {"name": "x"}).status_code == 403
    assert client_for(world.manager).post(url, {"name": "x"}).status_code == 302  # to login
    missing = reverse("admin:tickets_ticket_tag_add", args=[Ticket.objects.count() + 99])
    agent = client_for(world.supervisor)
    assert agent.post(missing, {"name": "x"}).status_code == 404
    assert not Tag.objects.exists()
