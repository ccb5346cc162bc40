import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status


def _numbers(response):
    return {t.number for t in response.context["page"].object_list}


def test_member_sees_own_and_watched_tickets_only(client, world):
    mine = open_ticket(world)
    colleague = open_ticket(world, requester=world.other_member, subject="Colleague's")
    watched = open_ticket(world, requester=world.other_member, subject="Watched")
    services.watcher_add(ticket=watched, user=world.member, by=world.other_member)
    client.force_login(world.member)
    assert _numbers(client.get(reverse("tickets:list"))) == {mine.number, watched.number}
    assert client.get(colleague.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "partner"])
def test_manager_and_partner_see_the_whole_organisation(client, world, persona):
    a = open_ticket(world)
    b = open_ticket(world, requester=world.other_member)
    open_ticket(world, requester=world.outsider, organisation=world.other_org)
    client.force_login(getattr(world, persona))
    assert _numbers(client.get(reverse("tickets:list"))) == {a.number, b.number}


def test_filters_and_search(client, world):
    slow = open_ticket(world, subject="Slow speed at night", description="Drops to 10 Mbps")
    down = open_ticket(world, subject="Router dead", description="The fibre ONT light is off")
    services.ticket_transition(ticket=down, to=Status.RESOLVED, by=world.agent)
    client.force_login(world.manager)
    url = reverse("tickets:list")
    assert _numbers(client.get(url, {"status": "done"})) == {down.number}
    assert _numbers(client.get(url, {"status": "active"})) == {slow.number}
    assert _numbers(client.get(url, {"q": "ONT light"})) == {down.number}  # description
    assert _numbers(client.get(url, {"q": "slow"})) == {slow.number}  # subject, any case
    assert _numbers(client.get(url, {"q": down.number.lower()})) == {down.number}
    assert _numbers(client.get(url, {"q": str(int(down.number[-5:]))})) == {down.number}
    assert _numbers(client.get(url, {"requester": world.member.pk})) == {slow.number, down.number}


def test_bad_filter_values_are_ignored_not_500(client, world):
    open_ticket(world)
    client.force_login(world.manager)
    response = client.get(
        reverse("tickets:list"), {"status": "bogus", "category": "x", "page": "9"}
    )
    assert response.status_code == 200


def test_search_never_matches_internal_notes(client, world):
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body="zebra-secret", internal=True)
    client.force_login(world.manager)
    assert _numbers(client.get(reverse("tickets:list"), {"q": "zebra-secret"})) == set()


def test_htmx_request_gets_only_the_results_partial(client, world):
    open_ticket(world)
    client.force_login(world.manager)
    response = client.get(reverse("tickets:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="ticket-results"' in body
    assert "<html" not in body
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]


def test_live_endpoint_is_204_until_something_changes(client, world):
    ticket = open_ticket(world)
    client.force_login(world.manager)
    page = client.get(reverse("tickets:list"))
    version = page.context["version"]
    live = reverse("tickets:list_live")
    assert client.get(live, {"v": version}).status_code == 204
    services.comment_add(ticket=ticket, author=world.agent, body="We are on it")
    changed = client.get(live, {"v": version})
    assert changed.status_code == 200
    assert ticket.number in changed.content.decode()


def _requesters_read(sql) -> bool:
    return sql.startswith('SELECT "accounts_user"') and '"requester_id"' in sql


def test_an_idle_live_poll_does_not_gather_the_requesters(client, world):
    open_ticket(world)
    open_ticket(world, requester=world.other_member)
    client.force_login(world.manager)
    version = client.get(reverse("tickets:list")).context["version"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tickets:list_live"), {"v": version}).status_code == 204
    assert not [q for q in queries if _requesters_read(q["sql"])]
    # Filtered by a requester, the poll still checks that one among them.
    chosen = {"v": version, "requester": world.member.pk}
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tickets:list_live"), chosen)
    assert [q for q in queries if _requesters_read(q["sql"])]


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for i in range(3):
        open_ticket(world, subject=f"T{i}")
    client.force_login(world.manager)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("tickets:list"))
    for i in range(25):
        open_ticket(world, requester=world.other_member, subject=f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("tickets:list"))


def test_staff_use_the_admin_not_the_portal_list(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("tickets:list")).status_code == 404
