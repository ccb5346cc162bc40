"""The organisation's activity feed: who sees which events, filters, pages, live rows."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import SESSION_KEY, load_access
from activity import feed
from activity.models import Event, Visibility
from activity.services import record_event
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.django_db

FEED = reverse("activity:feed")
LIVE = reverse("activity:feed_live")


def _shown(response) -> list[int]:
    """Event ids on the page (or in the live answer), in the order shown."""
    return [int(pk) for pk in re.findall(r'id="event-(\d+)"', response.content.decode())]


def _verbs(response) -> set[str]:
    return set(Event.objects.filter(pk__in=_shown(response)).values_list("verb", flat=True))


def _ids(**filters) -> set[int]:
    return set(Event.objects.filter(**filters).values_list("pk", flat=True))


def _bank_event(world, contract):
    return record_event(
        organisation=world.org,
        actor=None,
        verb="hours_bank_80",
        target=contract,
        data={"contract": contract.name, "used": 8.0, "allowance": 10.0, "number": "TKT-X"},
    )


def _team_event(world, **extra):
    return record_event(
        organisation=world.org,
        actor=world.manager,
        verb="member_invited",
        data={"email": "new@andes.test", "role": "member"},
        **extra,
    )


def _at(event, moment):
    Event.objects.filter(pk=event.pk).update(created_at=moment)


# Who sees what ------------------------------------------------------------------------


@pytest.fixture
def scene(world):
    """A ticket of the member, one of a colleague watched by the member, one not
    watched, a team event, an hours-bank event and another organisation's ticket."""
    mine = open_ticket(world, subject="Mine")
    watched = open_ticket(world, requester=world.other_member, subject="Watched by Diego")
    services.watcher_add(ticket=watched, user=world.member, by=world.other_member)
    colleague = open_ticket(world, requester=world.other_member, subject="Colleague's private")
    services.comment_add(ticket=colleague, author=world.agent, body="Public answer")
    team = _team_event(world)
    bank = _bank_event(world, ContractFactory(organisation=world.org, name="Support 2026"))
    elsewhere = open_ticket(
        world, requester=world.outsider, subject="Elsewhere", organisation=world.other_org
    )
    return {
        "mine": mine,
        "watched": watched,
        "colleague": colleague,
        "team": team,
        "bank": bank,
        "elsewhere": elsewhere,
    }


def _about(ticket) -> set[int]:
    return {pk for pk, number in _numbered() if number == ticket.number}


def _numbered():
    return Event.objects.filter(visibility=Visibility.PUBLIC).values_list("pk", "data__number")


def test_member_sees_own_and_watched_tickets_and_team_news_only(client_for, world, scene):
    response = client_for(world.member).get(FEED)
    assert response.status_code == 200
    shown = set(_shown(response))
    assert _about(scene["mine"]) | _about(scene["watched"]) <= shown
    assert shown == _about(scene["mine"]) | _about(scene["watched"]) | {scene["team"].pk}
    body = response.content.decode()
    assert "Colleague&#x27;s private" not in body and "Colleague's private" not in body
    assert "Support 2026" not in body  # hours bank: managers only


@pytest.mark.parametrize("persona", ["manager", "partner"])
def test_manager_and_partner_see_the_whole_organisation(client_for, world, scene, persona):
    shown = set(_shown(client_for(getattr(world, persona)).get(FEED)))
    assert shown == _ids(organisation=world.org, visibility=Visibility.PUBLIC)
    assert {scene["team"].pk, scene["bank"].pk} <= shown
    assert _about(scene["colleague"]) <= shown
    assert not shown & _about(scene["elsewhere"])


@pytest.mark.parametrize("persona", ["outsider", "stray_partner"])
def test_other_organisations_never_see_its_events(client_for, world, scene, persona):
    client = client_for(getattr(world, persona))
    # Asking to switch to the organisation is refused, and the session cannot force it.
    assert (
        client.post(reverse("accounts:organisation_switch", args=[world.org.pk])).status_code == 404
    )
    session = client.session
    session[SESSION_KEY] = world.org.pk
    session.save()
    shown = set(_shown(client.get(FEED)))
    assert not shown & _ids(organisation=world.org)
    if persona == "outsider":
        assert _about(scene["elsewhere"]) <= shown
    user = getattr(world, persona)
    assert not feed.feed_for(user, load_access(user, None), world.org).exists()


def test_internal_events_and_note_text_never_reach_anyone(client_for, world, scene):
    ticket = scene["mine"]
    services.comment_add(ticket=ticket, author=world.agent, body="zebra-secret", internal=True)
    hidden = record_event(
        organisation=world.org,
        actor=world.agent,
        verb="ticket_replied",
        target=ticket,
        visibility=Visibility.INTERNAL,
        data={"number": ticket.number, "subject": "zebra-subject"},
    )
    assert Event.objects.filter(verb="ticket_note_added").exists()
    for persona in ("member", "manager", "partner"):
        response = client_for(getattr(world, persona)).get(FEED)
        body = response.content.decode()
        assert hidden.pk not in _shown(response)
        assert "ticket_note_added" not in _verbs(response)
        assert "zebra" not in body
        assert "internal note" not in body
    # Nor the kind filter offers them.
    assert "internal_note" not in response.content.decode()


def test_staff_go_to_the_admin_and_anonymous_to_login(client, client_for, world):
    response = client.get(FEED)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )
    assert client.get(LIVE, {"after": 0}).status_code == 302
    staff = client_for(world.agent)
    assert staff.get(FEED)["Location"] == reverse("admin:index")
    assert staff.get(LIVE, {"after": 0}).status_code == 404


@pytest.mark.parametrize("url", [FEED, LIVE])
def test_wrong_method_is_405(client_for, world, url):
    assert client_for(world.manager).post(url, {"after": 0}).status_code == 405


def test_rows_link_to_what_the_reader_may_open(client_for, world, scene):
    manager = client_for(world.manager).get(FEED)
    links = {entry.event.pk: entry.url for day in manager.context["days"] for entry in day.entries}
    assert links[scene["bank"].pk] == reverse("contracts:detail", args=[scene["bank"].target_id])
    assert links[scene["team"].pk] is None
    colleague_event = min(_about(scene["colleague"]))
    assert links[colleague_event] == scene["colleague"].get_absolute_url()
    body = manager.content.decode()
    assert f'href="{scene["colleague"].get_absolute_url()}"' in body
    assert "<time" in body and 'datetime="' in body


def test_each_row_is_one_sentence_with_the_actor(client_for, world):
    ticket = open_ticket(world, subject="Fibre cut")
    services.comment_add(ticket=ticket, author=world.agent, body="Crew on the way")
    body = client_for(world.member).get(FEED).content.decode()
    assert f"Ana Agent replied on {ticket.number}" in body
    assert f"Diego opened {ticket.number}: Fibre cut" in body


# Filters --------------------------------------------------------------------------------


def test_filter_by_kind(client_for, world):
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body="On it")
    _team_event(world)
    client = client_for(world.manager)
    assert _verbs(client.get(FEED, {"kind": "ticket_replied"})) == {"ticket_replied"}
    assert _verbs(client.get(FEED, {"kind": "team"})) == {"member_invited"}
    assert "ticket_opened" in _verbs(client.get(FEED, {"kind": ""}))


def test_members_cannot_filter_on_the_hours_bank(client_for, world):
    _bank_event(world, ContractFactory(organisation=world.org, name="Support 2026"))
    member = client_for(world.member)
    page = member.get(FEED).content.decode()
    assert 'value="hours_bank"' not in page
    assert 'value="sla"' in page
    refused = member.get(FEED, {"kind": "hours_bank"})
    assert refused.status_code == 400
    assert "Choose what to show from the list." in refused.content.decode()
    assert "days" not in refused.context
    assert 'value="hours_bank"' in client_for(world.manager).get(FEED).content.decode()


def test_dates_are_whole_days_in_the_readers_time_zone(client_for, world):
    world.manager.timezone = "America/Santiago"  # UTC-3 in March
    world.manager.save(update_fields=["timezone"])
    late = _team_event(world)
    _at(late, datetime(2026, 3, 10, 2, 30, tzinfo=UTC))  # 9 March, 23:30 in Santiago
    next_day = _team_event(world)
    _at(next_day, datetime(2026, 3, 10, 4, 0, tzinfo=UTC))  # 10 March, 01:00
    client = client_for(world.manager)
    assert _shown(client.get(FEED, {"date_to": "2026-03-09"})) == [late.pk]
    assert _shown(client.get(FEED, {"date_from": "2026-03-10"})) == [next_day.pk]
    both = client.get(FEED, {"date_from": "2026-03-09", "date_to": "2026-03-10"})
    assert _shown(both) == [next_day.pk, late.pk]
    days = [day.date for day in both.context["days"]]
    assert days == [date(2026, 3, 10), date(2026, 3, 9)]
    body = both.content.decode()
    assert "Tuesday, 10 Mar 2026" in body and "Monday, 9 Mar 2026" in body
    assert 'datetime="2026-03-09T23:30:00-03:00"' in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-02-30"}, "Enter a real date, like 2025-03-31."),
        ({"date_to": "yesterday"}, "Enter a real date, like 2025-03-31."),
        (
            {"date_from": "2026-03-10", "date_to": "2026-03-01"},
            "The start date is after the end date.",
        ),
        ({"before": "not-a-cursor"}, "This link to older activity is not valid."),
        ({"kind": "internal_note"}, "Choose what to show from the list."),
    ],
)
def test_bad_filters_say_so_and_show_no_list(client_for, world, params, message):
    _team_event(world)
    response = client_for(world.manager).get(FEED, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body
    assert "days" not in response.context  # not the unfiltered list passed off as filtered
    assert "invited new@andes.test" not in body
    assert 'id="feed-poller"' not in body


def test_empty_states(client_for, world):
    client = client_for(world.manager)
    assert "Nothing has happened yet." in client.get(FEED).content.decode()
    _team_event(world)
    filtered = client.get(FEED, {"kind": "sla"}).content.decode()
    assert "Nothing matches these filters." in filtered


# Pages ----------------------------------------------------------------------------------


def _many(world, count, moment):
    """`count` team events; every other pair shares its timestamp (ties are ordered by id)."""
    events = Event.objects.bulk_create(
        Event(
            organisation=world.org,
            verb="member_joined",
            created_at=moment - timedelta(minutes=index // 2),
            dispatched_at=moment,
        )
        for index in range(count)
    )
    return events


def test_older_pages_follow_a_cursor_without_gaps_or_repeats(client_for, world):
    _many(world, 2 * feed.PAGE_SIZE + 20, timezone.now())
    client = client_for(world.manager)
    seen, params, pages = [], {}, 0
    while True:
        response = client.get(FEED, params)
        assert response.status_code == 200
        seen += _shown(response)
        pages += 1
        older = response.context["older"]
        if older is None:
            break
        assert f"before={older}" in response.content.decode()
        params = {"before": older}
    assert pages == 3
    expected = list(
        Event.objects.filter(organisation=world.org)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    # Only the latest page listens for new events.
    assert 'id="feed-poller"' not in client.get(FEED, params).content.decode()


def test_the_cursor_keeps_the_filters(client_for, world):
    _many(world, feed.PAGE_SIZE + 5, timezone.now())
    ticket = open_ticket(world)
    _at(Event.objects.get(verb="ticket_opened"), timezone.now() - timedelta(days=1))
    client = client_for(world.manager)
    first = client.get(FEED, {"kind": "team"})
    assert first.context["older"]
    assert f"kind=team&amp;before={first.context['older']}" in first.content.decode()
    second = client.get(FEED, {"kind": "team", "before": first.context["older"]})
    assert len(_shown(second)) == 5
    assert ticket.number not in second.content.decode()


def test_queries_per_page_do_not_grow_with_the_events(client_for, world):
    open_ticket(world)
    client = client_for(world.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(FEED).status_code == 200
        return len(queries)

    few = count()
    ticket = open_ticket(world, subject="Second")
    for index in range(12):
        services.comment_add(ticket=ticket, author=world.agent, body=f"Update {index}")
    _many(world, 60, timezone.now())
    assert count() == few


# Live -----------------------------------------------------------------------------------


def _poller_after(response) -> int:
    """The newest event id the poller will send, as written in its address."""
    (after,) = re.findall(r'id="feed-poller" hx-get="[^"]*after=(\d+)', response.content.decode())
    return int(after)


def test_live_answers_204_until_something_new_then_the_new_rows(client_for, world):
    ticket = open_ticket(world)
    client = client_for(world.member)
    page = client.get(FEED)
    after = _poller_after(page)
    top = page.context["days"][0].date.isoformat()
    assert f"after={after}&amp;top={top}" in page.content.decode()
    assert client.get(LIVE, {"after": after, "top": top}).status_code == 204

    services.comment_add(ticket=ticket, author=world.agent, body="Crew on the way")
    reply = Event.objects.get(verb="ticket_replied")
    live = client.get(LIVE, {"after": after, "top": top})
    assert live.status_code == 200
    assert reply.pk in _shown(live)
    body = live.content.decode()
    assert "<html" not in body
    assert f'hx-swap-oob="afterbegin:#feed-day-{top}"' in body
    assert 'id="feed-poller"' in body and 'hx-swap-oob="true"' in body
    newest = _poller_after(live)
    assert newest >= reply.pk
    assert client.get(LIVE, {"after": newest, "top": top}).status_code == 204


def test_live_on_an_empty_page_brings_a_day_and_removes_the_empty_state(client_for, world):
    client = client_for(world.manager)
    page = client.get(FEED)
    assert page.context["days"] == []
    _team_event(world)
    live = client.get(LIVE, {"after": _poller_after(page)})
    body = live.content.decode()
    assert live.status_code == 200
    assert 'class="feed-day"' in body and "Today" in body
    assert '<div id="feed-empty" hx-swap-oob="delete">' in body


def test_live_respects_scope_filters_and_visibility(client_for, world):
    mine = open_ticket(world)
    colleague = open_ticket(world, requester=world.other_member, subject="Colleague's")
    client = client_for(world.member)
    after = _poller_after(client.get(FEED))
    # A colleague's ticket, an internal note and another organisation: nothing for Diego.
    services.comment_add(ticket=colleague, author=world.agent, body="For the colleague")
    services.comment_add(ticket=mine, author=world.agent, body="zebra-secret", internal=True)
    open_ticket(world, requester=world.outsider, organisation=world.other_org)
    assert client.get(LIVE, {"after": after}).status_code == 204
    # A reply on his own ticket arrives, but not when filtering on another kind.
    services.comment_add(ticket=mine, author=world.agent, body="For you")
    assert client.get(LIVE, {"after": after, "kind": "team"}).status_code == 204
    live = client.get(LIVE, {"after": after, "kind": "ticket_replied"})
    assert live.status_code == 200
    assert _verbs(live) == {"ticket_replied"}
    assert "kind=ticket_replied&amp;after=" in live.content.decode()
    # Nor a date range that has ended.
    assert client.get(LIVE, {"after": after, "date_to": "2020-01-01"}).status_code == 204


def test_an_idle_live_poll_reads_no_feed(client_for, world):
    open_ticket(world)
    client = client_for(world.manager)
    after = _poller_after(client.get(FEED))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIVE, {"after": after, "kind": "team"}).status_code == 204
    # The newest event's id, and no read of the events it would filter.
    on_events = [q["sql"] for q in queries if '"activity_event"' in q["sql"]]
    assert len(on_events) == 1 and "WHERE" not in on_events[0]


@pytest.mark.parametrize(
    "params", [{}, {"after": "x"}, {"after": "1", "top": "soon"}, {"after": 1, "kind": "bogus"}]
)
def test_live_with_bad_parameters_is_400_not_500(client_for, world, params):
    response = client_for(world.manager).get(LIVE, params)
    assert response.status_code == 400
    assert response.content


# Languages, navigation, dashboard ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Activity"), ("es", "Actividad"), ("pt", "Atividade"), ("fr", "Activité")],
)
def test_the_page_speaks_the_readers_language(client_for, world, language, heading):
    world.manager.language = language
    world.manager.save(update_fields=["language"])
    body = client_for(world.manager).get(FEED).content.decode()
    assert f"<h1>{heading}</h1>" in body
    # The region goes with the language: British English, Brazilian Portuguese.
    tag = {"en": "en-gb", "pt": "pt-br"}.get(language, language)
    assert f'<html lang="{tag}">' in body


def test_everyone_finds_it_in_the_navigation(client_for, world):
    body = client_for(world.member).get(reverse("portal:dashboard")).content.decode()
    assert f'href="{FEED}"' in body


def test_dashboard_shows_members_only_their_feed(client_for, world):
    mine = open_ticket(world, subject="Mine on the dashboard")
    open_ticket(world, requester=world.other_member, subject="Colleague secret subject")
    member = client_for(world.member).get(reverse("portal:dashboard"))
    body = member.content.decode()
    assert "Colleague secret subject" not in body
    assert f"{mine.number}: Mine on the dashboard" in body
    assert "See all activity" in body
    manager = client_for(world.manager).get(reverse("portal:dashboard")).content.decode()
    assert "Colleague secret subject" in manager
