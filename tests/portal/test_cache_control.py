"""Pages and files behind the login are never stored by a browser or proxy cache."""

import pytest
from django.urls import reverse

from core.uploads import CleanUpload
from tests.tickets.factories import open_ticket
from tickets import services


@pytest.fixture
def ticket(world):
    ticket = open_ticket(world, "VPN down", description="x")
    services.comment_add(
        ticket=ticket,
        author=world.member,
        body="",
        attachments=[CleanUpload(name="conf.txt", content_type="text/plain", data=b"r1")],
    )
    return ticket


def _urls(ticket):
    item = ticket.attachments.get()
    return [
        reverse("portal:dashboard"),
        reverse("tickets:list"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:attachment", args=[ticket.number, item.pk]),
        reverse("tickets:attachment", args=[ticket.number, item.pk]) + "?inline=1",
        reverse("activity:feed"),
        reverse("accounts:profile"),
        reverse("notifications:centre"),
    ]


def test_signed_in_pages_and_files_say_no_store(client, world, ticket):
    client.force_login(world.member)
    for url in _urls(ticket):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url


def test_staff_pages_say_no_store(client, world):
    client.force_login(world.agent)
    response = client.get(reverse("admin:index"), {"apps": "1"})  # not the queue (config/admin.py)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached_as_usual(client, db):
    # Positive control: the header comes from being signed in, not from every page.
    response = client.get(reverse("accounts:password_reset"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
