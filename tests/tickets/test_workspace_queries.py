"""The agent's ticket workspace costs as many queries on a 100-message thread as on a
3-message one: the page, and the answers of its reply, note and work forms (each
redraws the thread). Both threads have public replies from both sides, internal
notes and attachments, so that a query per message, per note or per file shows."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.uploads import CleanUpload
from tests.tickets.factories import open_ticket
from tickets import desk, services
from tickets.admin.workspace import newest_event
from tickets.states import Priority


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _thread(world, messages):
    """A ticket with `messages` messages: client and agent in turn, a note every fifth
    (the third of three), a file on every fourth."""
    ticket = open_ticket(world, f"A thread of {messages}")
    for k in range(messages):
        files = (
            [CleanUpload(name=f"log-{k}.txt", content_type="text/plain", data=b"LOS")]
            if k % 4 == 0
            else ()
        )
        if k % 5 == 2:
            desk.note_add(ticket=ticket, author=world.agent, body=f"Note {k}", attachments=files)
        else:
            author = world.member if k % 2 == 0 else world.agent
            services.comment_add(
                ticket=ticket, author=author, body=f"Message {k}", attachments=files
            )
    assert ticket.comments.count() == messages
    assert ticket.comments.filter(is_internal=True).exists()
    assert ticket.attachments.filter(comment__is_internal=False).exists()
    return ticket


@pytest.fixture
def threads(world):
    return _thread(world, 3), _thread(world, 100)


@pytest.fixture
def agent(world):
    client = Client()
    client.force_login(world.agent)
    return client


def _counted(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:500]
    return response, [q["sql"] for q in captured.captured_queries]


def _shape(sql):
    return Counter(re.sub(r"\d+", "N", q) for q in sql)


def _same(counts):
    (_, small), (_, big) = counts
    assert len(small) == len(big), (
        f"{len(small)} queries with 3 messages, {len(big)} with 100; the extra ones:\n"
        + "\n".join(f"{n} x {q}" for q, n in (_shape(big) - _shape(small)).items())
    )
    assert small  # something was counted


def _page(client, ticket):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert client.get(url).status_code == 200  # the caches warm, as a server has them
    return _counted(lambda: client.get(url))


def test_the_workspace_page_reads_as_many_queries_for_100_messages_as_for_3(agent, threads):
    counts = [_page(agent, ticket) for ticket in threads]
    _same(counts)
    for (response, _), ticket in zip(counts, threads, strict=True):
        # The whole thread is drawn, notes and files included.
        body = response.content.decode()
        assert body.count('<li class="ticket-comment') == ticket.comments.count()
        assert body.count("log-") == ticket.attachments.count()


def _act(client, ticket, kind, **data):
    url = reverse(f"admin:tickets_ticket_{kind}", args=[ticket.pk])
    data["seen"] = newest_event(ticket)
    return _counted(lambda: client.post(url, data, HTTP_HX_REQUEST="true"))


def _work(ticket, **changes):
    ticket.refresh_from_db()
    return {"status": ticket.status, "priority": ticket.priority, **changes}


@pytest.mark.parametrize(
    "kind, data, done",
    [
        ("reply", lambda n, t: {"reply": f"Answer {n}", "then": ""}, "Reply sent."),
        ("note", lambda n, t: {"note": f"Checked {n}"}, "Note added."),
        (
            "work",
            lambda n, t: _work(t, priority=[Priority.HIGH, Priority.LOW][n % 2]),
            "Saved.",
        ),
    ],
    ids=["reply", "note", "work"],
)
def test_an_actions_answer_reads_as_many_queries_for_100_messages_as_for_3(
    agent, threads, world, kind, data, done
):
    for ticket in threads:  # warm the caches, and leave both tickets as alike as can be
        services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.agent)
        response, _ = _act(agent, ticket, kind, **data(0, ticket))
        assert done in response.content.decode()
    counts = [_act(agent, ticket, kind, **data(1, ticket)) for ticket in threads]
    for response, _ in counts:
        body = response.content.decode()
        assert done in body and 'id="ws-thread"' in body  # the thread is redrawn too
    _same(counts)
