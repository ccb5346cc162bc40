"""Saved queue views: one Q builder for the queue and the sidebar's counts, the agent's
own and shared views, the default view the admin lands on."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.tickets.factories import open_ticket
from tickets import queue_views, relations, services
from tickets.models import QueueDefault, SavedView, Ticket
from tickets.states import Priority, Status

QUEUE = reverse("admin:tickets_ticket_changelist")


@pytest.fixture(autouse=True)
def shared_views(db):
    # Made by migration 0011; a browser test's flush of a reused database drops them.
    migration = importlib.import_module("tickets.migrations.0011_tags_links_saved_views")
    migration.add_shared_views(apps, None)


def shared(key) -> SavedView:
    return SavedView.objects.get(key=key)


def numbers(response):
    return sorted(t.number for t in response.context["cl"].result_list)


def counts(response) -> dict:
    spec = response.context["cl"].filter_specs[0]
    return {view.key or view.name: count for _pk, (view, count) in spec.lookup_choices}


def test_the_four_shared_views_exist_in_four_languages(db):
    names = {
        v.key: (v.tr("name", "en"), v.tr("name", "es"), v.tr("name", "fr"))
        for v in SavedView.objects.all()
    }
    assert names["my-open"] == ("My open", "Mis abiertos", "Mes tickets ouverts")
    assert set(names) == {
        "my-open",
        "unassigned-critical",
        "breaching-today",
        "waiting-client-3-days",
    }
    assert all(v.owner_id is None for v in SavedView.objects.all())


def test_each_view_filters_the_queue_as_its_count_says(client_for, world):
    mine = open_ticket(world, "Mine")
    services.ticket_assign(ticket=mine, assignee=world.agent, by=world.agent)
    critical = open_ticket(world, "Critical", priority=Priority.CRITICAL)
    Ticket.objects.filter(pk=critical.pk).update(priority=Priority.CRITICAL)
    breaching = open_ticket(world, "Breaching")
    Ticket.objects.filter(pk=breaching.pk).update(sla_due_at=timezone.now() - dt.timedelta(hours=1))
    later = open_ticket(world, "Due next week")
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=timezone.now() + dt.timedelta(days=7))
    waiting = open_ticket(world, "Waiting")
    services.ticket_transition(ticket=waiting, to=Status.WAITING_ON_CLIENT, by=world.agent)
    Ticket.objects.filter(pk=waiting.pk).update(
        last_client_activity_at=timezone.now() - dt.timedelta(days=4)
    )
    recent_wait = open_ticket(world, "Waiting since today")
    services.ticket_transition(ticket=recent_wait, to=Status.WAITING_ON_CLIENT, by=world.agent)
    client = client_for(world.agent)

    expected = {
        "my-open": [mine.number],
        "unassigned-critical": [critical.number],
        "breaching-today": [breaching.number],
        "waiting-client-3-days": [waiting.number],
    }
    listed = client.get(QUEUE)
    assert counts(listed) == {key: len(found) for key, found in expected.items()}
    for key, found in expected.items():
        assert numbers(client.get(QUEUE, {"view": shared(key).pk})) == found, key


def test_counts_are_one_query_whatever_the_number_of_views(client_for, world):
    open_ticket(world)
    client = client_for(world.agent)

    def aggregates():
        with CaptureQueriesContext(connection) as seen:
            client.get(QUEUE)
        return [q for q in seen.captured_queries if " FILTER (WHERE " in q["sql"]]

    assert len(aggregates()) == 1
    for n in range(6):
        queue_views.view_save(user=world.agent, name=f"Mine {n}", filters={"assignee": "me"})
    assert len(aggregates()) == 1


def test_a_view_the_agent_may_not_see_is_ignored(client_for, world):
    theirs = queue_views.view_save(user=world.supervisor, name="Secret", filters={"assignee": "me"})
    open_ticket(world, "Anything open")
    client = client_for(world.agent)
    for value in (theirs.pk, "999999", "nonsense"):
        response = client.get(QUEUE, {"view": value})
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 1  # the default queue: open tickets
    assert "Secret" not in client.get(QUEUE).content.decode()


def test_saving_the_current_filters_as_a_personal_view(client_for, world):
    tagged = open_ticket(world, "Tagged")
    relations.tag_add(ticket=tagged, name="Fibre", by=world.agent)
    open_ticket(world, "Untagged")
    client = client_for(world.agent)
    response = client.post(
        reverse("admin:tickets_ticket_view_save"),
        {
            "name": "Fibre work",
            "sort": "priority",
            "params": "tag=fibre&assigned=nobody&status=all",
        },
    )
    view = SavedView.objects.get(owner=world.agent)
    assert response["Location"].endswith(f"?view={view.pk}")
    assert view.filters == {
        "statuses": list(Status.values),
        "assignee": "nobody",
        "tags": ["fibre"],
    }
    assert view.sort == "priority"
    assert numbers(client.get(QUEUE, {"view": view.pk})) == [tagged.number]

    refused = client.post(
        reverse("admin:tickets_ticket_view_save"), {"name": "fibre WORK", "sort": "recent"}
    )
    assert refused.status_code == 302 and SavedView.objects.filter(owner=world.agent).count() == 1


def test_agents_rename_and_delete_only_their_own_views(client_for, world):
    own = queue_views.view_save(user=world.agent, name="Mine", filters={})
    client = client_for(world.agent)
    change = reverse("admin:tickets_savedview_change", args=[own.pk])
    assert client.post(change, {"name": "Renamed", "sort": "recent"}).status_code == 302
    own.refresh_from_db()
    assert own.name == "Renamed"
    my_open = shared("my-open")
    assert client.get(reverse("admin:tickets_savedview_change", args=[my_open.pk])).status_code in (
        302,
        403,
        404,
    )
    delete = reverse("admin:tickets_savedview_delete", args=[my_open.pk])
    client.post(delete, {"post": "yes"})
    assert SavedView.objects.filter(pk=my_open.pk).exists()
    # A supervisor manages the shared ones.
    supervisor = client_for(world.supervisor)
    supervisor.post(
        reverse("admin:tickets_savedview_change", args=[my_open.pk]),
        {
            "name": "Mine, open",
            "name_es": "",
            "name_pt": "",
            "name_fr": "",
            "sort": "recent",
            "position": 0,
        },
    )
    my_open.refresh_from_db()
    assert my_open.name == "Mine, open"


def test_agents_land_on_their_default_view_and_may_reach_the_full_index(client_for, world):
    client = client_for(world.agent)
    landing = client.get(reverse("admin:index"))
    assert landing.status_code == 302
    assert landing["Location"] == f"{QUEUE}?view={shared('my-open').pk}"

    breaching = shared("breaching-today")
    client.post(reverse("admin:tickets_ticket_view_default", args=[breaching.pk]))
    assert QueueDefault.objects.get(user=world.agent).view == breaching
    assert client.get(reverse("admin:index"))["Location"].endswith(f"?view={breaching.pk}")

    assert client.get(reverse("admin:index"), {"apps": "1"}).status_code == 200
    queue = client.get(QUEUE, {"view": breaching.pk}).content.decode()
    assert f'href="{reverse("admin:index")}?apps=1"' in queue
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(superuser).get(reverse("admin:index")).status_code == 200


def test_a_saved_views_queue_costs_the_same_queries_with_more_tickets_and_views(
    client_for, world, django_assert_max_num_queries
):
    from tickets import presence

    def add(count):
        for n in range(count):
            ticket = open_ticket(world, f"Ticket {n}", priority=Priority.values[n % 4])
            services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.agent)
            relations.tag_add(ticket=ticket, name=f"tag {n % 3}", by=world.agent)
            presence.beat(ticket.pk, world.supervisor)

    client = client_for(world.agent)
    view = {"view": shared("my-open").pk}
    add(3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(QUEUE, view).context["cl"].result_list) == 3
    add(12)
    for n in range(5):
        queue_views.view_save(user=world.agent, name=f"Mine {n}", filters={"tags": ["tag-1"]})
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(QUEUE, view).context["cl"].result_list) == 15


def test_the_counts_hold_until_a_ticket_changes(client_for, world):
    from django.core.cache import cache

    from tickets import live

    cache.clear()
    client = client_for(world.agent)
    services.ticket_assign(ticket=open_ticket(world, "One"), assignee=world.agent, by=world.agent)
    live.bump()  # what the change's commit does outside a test's transaction

    def counting(queries):
        return [q for q in queries if "COUNT(" in q["sql"] and "FILTER" in q["sql"]]

    with CaptureQueriesContext(connection) as first:
        assert counts(client.get(QUEUE))["my-open"] == 1
    assert len(counting(first.captured_queries)) == 1
    services.ticket_assign(ticket=open_ticket(world, "Two"), assignee=world.agent, by=world.agent)
    # Not committed, so not bumped: the cached counts stand, and no count query runs.
    with CaptureQueriesContext(connection) as cached:
        assert counts(client.get(QUEUE))["my-open"] == 1
    assert not counting(cached.captured_queries)
    live.bump()
    assert counts(client.get(QUEUE))["my-open"] == 2
