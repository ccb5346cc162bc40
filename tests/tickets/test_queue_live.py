"""The live queue: the version bumps after a ticket change commits; an unchanged poll costs
no database query; a changed one re-renders the rows with who is viewing them."""

import re

from django.urls import reverse

from tests.tickets.factories import open_ticket
from tickets import live, presence, services

QUEUE = reverse("admin:tickets_ticket_changelist")
POLL = reverse("admin:tickets_ticket_queue_poll")


def test_the_path_the_middleware_answers_is_the_poll_views():
    assert POLL == live.POLL_PATH


def test_the_version_moves_only_when_a_change_commits(world, django_capture_on_commit_callbacks):
    before = live.version()
    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(world)
    assert int(live.version()) == int(before) + 1


def test_an_unchanged_queue_answers_204_without_a_query(
    client_for, world, django_assert_num_queries
):
    client = client_for(world.agent)
    token = live.token(world.agent)
    with django_assert_num_queries(0):
        response = client.get(POLL, {"v": live.version(), "t": token, "status": "all"})
    assert response.status_code == 204
    # A forged token goes on to the view, which checks the session as any admin page.
    assert client.get(POLL, {"v": live.version(), "t": "forged"}).status_code == 204
    # Someone signed out, or not staff: htmx's "stop polling", never a login page in the rows.
    assert client_for(world.manager).get(POLL, {"v": "0", "t": "forged"}).status_code == 286


def test_a_changed_queue_sends_its_rows_with_filters_and_viewers(
    client_for, world, django_capture_on_commit_callbacks
):
    client = client_for(world.agent)
    version = live.version()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(world, "Arrived while watching")
        other = open_ticket(world, "Not in the filter")
        services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.agent)
    presence.beat(ticket.pk, world.supervisor, typing=True)
    response = client.get(POLL, {"v": version, "t": live.token(world.agent), "assigned": "me"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="queue-results"' in body
    assert ticket.number in body and other.number not in body
    assert "Sergio Supervisor is typing" in body
    # The next poll asks with the new version and the same filters.
    assert f"v={live.version()}" in body and "assigned=me" in body


def test_the_queue_page_polls_and_shows_tags(client_for, world):
    from tickets import relations

    ticket = open_ticket(world)
    for name in ("a1", "b2", "c3", "d4"):
        relations.tag_add(ticket=ticket, name=name, by=world.agent)
    body = client_for(world.agent).get(QUEUE).content.decode()
    assert 'hx-trigger="every 10s"' in body and "queue.js" in body
    cell = re.search(r'<td class="field-subject_line">(.*?)</td>', body, re.S)[1]
    assert "a1" in cell and "c3" in cell and "d4" not in cell and "+1" in cell
