"""The notification centre, the bell, the reply banner and the Telegram notice."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activity.models import Event, Visibility
from activity.services import record_event
from activity.tasks import _dispatch
from notifications.context_processors import notifications as notices_for
from notifications.models import Notification, TelegramLink
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Status

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")
BELL = reverse("notifications:bell")
READ_ALL = reverse("notifications:read_all")


def _ticket(world, subject="Router down in Valparaíso", requester=None):
    """A ticket support already picked up, without the notifications of getting there."""
    ticket = open_ticket(world, subject, requester=requester)
    services.ticket_transition(ticket=ticket, to=Status.IN_PROGRESS, by=world.agent)
    for event in Event.objects.filter(data__number=ticket.number, dispatched_at__isnull=True):
        _dispatch(event.pk)
    Notification.objects.filter(event__data__number=ticket.number).delete()
    return ticket


def _reply(world, ticket, body="We restarted the switch.", dispatch=None):
    comment = services.comment_add(ticket=ticket, author=world.agent, body=body)
    if dispatch:
        dispatch()
    return comment


def _notification(user, comment):
    return Notification.objects.get(
        user=user, channel="portal", event__verb="ticket_replied", event__target_id=str(comment.pk)
    )


def _unread(user):
    return Notification.objects.filter(user=user, channel="portal", read_at__isnull=True).count()


# The list ---------------------------------------------------------------------------


def test_centre_lists_the_users_own_notifications_newest_first(world, dispatch, client_for):
    ticket = _ticket(world)
    _reply(world, ticket, "First answer: the switch restarted.")
    _reply(world, ticket, "Second answer: the fibre is fine.", dispatch)
    # Someone else's ticket: its notifications are not the member's.
    _reply(world, _ticket(world, "Printer jam", requester=world.other_member), "Other", dispatch)

    response = client_for(world.member).get(CENTRE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Second answer: the fibre is fine." in html
    assert html.index("Second answer") < html.index("First answer")
    assert "Printer jam" not in html
    assert html.count('class="notice notice--unread"') == 2
    first = _notification(world.member, ticket.comments.order_by("pk").first())
    assert reverse("notifications:open", args=[first.pk]) in html


def test_read_notifications_are_not_highlighted_and_the_unread_filter_hides_them(
    world, dispatch, client_for
):
    ticket = _ticket(world)
    old = _reply(world, ticket, "Old news")
    _reply(world, ticket, "Fresh news", dispatch)
    Notification.objects.filter(pk=_notification(world.member, old).pk).update(
        read_at=timezone.now()
    )
    client = client_for(world.member)

    every = client.get(CENTRE).content.decode()
    unread = client.get(CENTRE, {"show": "unread"}).content.decode()

    assert "Old news" in every and "Fresh news" in every
    assert every.count("notice--unread") == 1
    assert "Fresh news" in unread and "Old news" not in unread


def test_centre_pages_by_thirty(world, dispatch, client_for):
    ticket = _ticket(world)
    for n in range(31):
        _reply(world, ticket, f"Reply number {n:02d}")
    dispatch()
    client = client_for(world.member)

    first = client.get(CENTRE).content.decode()
    second = client.get(CENTRE, {"page": 2}).content.decode()

    assert first.count('class="notice ') == 30
    assert "Reply number 30" in first and "Reply number 00" not in first
    assert second.count('class="notice ') == 1 and "Reply number 00" in second
    assert "Page 2 of 2" in second


def test_centre_query_count_does_not_grow_with_the_page(world, dispatch, client_for):
    def queries_for(replies):
        Notification.objects.all().delete()
        ticket = _ticket(world, f"{replies} replies")
        for n in range(replies):
            _reply(world, ticket, f"Answer {n}")
        dispatch()
        client = client_for(world.member)
        with CaptureQueriesContext(connection) as context:
            response = client.get(CENTRE)
        assert response.content.decode().count('class="notice ') == replies
        return len(context.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_internal_events_never_reach_a_client_even_if_a_row_exists(world, dispatch, client_for):
    ticket = _ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body="Secret plan", internal=True)
    dispatch()
    note = Event.objects.get(verb="ticket_note_added")
    assert note.visibility == Visibility.INTERNAL
    # The fan-out never writes this; the centre must hide it anyway.
    row = Notification.objects.create(
        event=note, user=world.member, channel="portal", status="sent"
    )
    client = client_for(world.member)

    html = client.get(CENTRE).content.decode()

    assert "internal note" not in html and "Secret plan" not in html
    assert client.get(reverse("notifications:open", args=[row.pk])).status_code == 404
    assert 'class="bell__count"' not in client.get(BELL, {"n": "5"}).content.decode()


def test_staff_use_the_centre_and_their_links_go_to_the_admin(world, dispatch, client_for):
    ticket = _ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.comment_add(ticket=ticket, author=world.member, body="Still down here.")
    dispatch()
    row = Notification.objects.get(user=world.agent, channel="portal", event__verb="ticket_replied")
    client = client_for(world.agent)

    assert "Diego replied on" in client.get(CENTRE).content.decode()
    response = client.get(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tickets_ticket_change", args=[ticket.pk])


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_centre_speaks_the_users_language(world, client_for, language):
    world.member.language = language
    world.member.save(update_fields=["language"])

    html = client_for(world.member).get(CENTRE).content.decode()

    with translation.override(language):
        heading = translation.gettext("Notifications")
        empty = translation.gettext("No notifications yet.")
        tickets = translation.gettext("Tickets")
    tag = {"en": "en-gb", "pt": "pt-br"}.get(language, language)
    assert f'<html lang="{tag}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert empty in html
    assert f">{tickets}</a>" in html  # the navigation, already translated


# Opening and marking read -----------------------------------------------------------


def test_open_marks_read_and_goes_to_the_reply(world, dispatch, client_for):
    ticket = _ticket(world)
    comment = _reply(world, ticket, dispatch=dispatch)
    row = _notification(world.member, comment)

    response = client_for(world.member).get(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/#comment-{comment.pk}"
    row.refresh_from_db()
    assert row.read_at is not None


def test_the_ticket_page_has_the_replys_anchor_and_keeps_latest(world, dispatch, client_for):
    ticket = _ticket(world)
    first = _reply(world, ticket, "One")
    last = _reply(world, ticket, "Two", dispatch)

    html = client_for(world.member).get(ticket.get_absolute_url()).content.decode()

    assert f'id="comment-{first.pk}"' in html and f'id="comment-{last.pk}"' in html
    assert html.count('id="latest"') == 1
    assert html.index(f'id="comment-{last.pk}"') < html.index('id="latest"')


@pytest.mark.parametrize("name", ["open", "read"])
def test_someone_elses_notification_is_404(world, dispatch, client_for, name):
    comment = _reply(world, _ticket(world), dispatch=dispatch)
    row = _notification(world.member, comment)
    method = "get" if name == "open" else "post"

    for intruder in (world.other_member, world.manager, world.agent, world.outsider):
        response = getattr(client_for(intruder), method)(
            reverse(f"notifications:{name}", args=[row.pk])
        )
        assert response.status_code == 404, intruder
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_read_plain_post_redirects_back_to_the_list(world, dispatch, client_for):
    comment = _reply(world, _ticket(world), dispatch=dispatch)
    row = _notification(world.member, comment)

    response = client_for(world.member).post(
        reverse("notifications:read", args=[row.pk]), {"show": "unread"}
    )

    assert response.status_code == 302
    assert response["Location"] == CENTRE + "?show=unread"
    assert _unread(world.member) == 0


def test_mark_read_by_htmx_returns_the_row_and_the_new_bell(world, dispatch, client_for):
    ticket = _ticket(world)
    _reply(world, ticket, "Other reply")
    comment = _reply(world, ticket, "This one", dispatch=dispatch)
    row = _notification(world.member, comment)

    response = client_for(world.member).post(
        reverse("notifications:read", args=[row.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{row.pk}" class="notice"' in html
    assert "<html" not in html
    assert 'id="notification-bell"' in html and 'hx-swap-oob="true"' in html
    assert re.search(r'class="bell__count"[^>]*>1<', html)


def test_read_all_marks_only_the_users_rows(world, dispatch, client_for):
    ticket = _ticket(world)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    _reply(world, ticket, "One")
    _reply(world, ticket, "Two", dispatch)
    theirs = _unread(world.other_member)
    assert _unread(world.member) == 2 and theirs >= 2

    response = client_for(world.member).post(READ_ALL)

    assert response.status_code == 302 and response["Location"] == CENTRE
    assert _unread(world.member) == 0
    assert _unread(world.other_member) == theirs


def test_read_all_by_htmx_returns_the_list_and_an_empty_bell(world, dispatch, client_for):
    _reply(world, _ticket(world), "One", dispatch)

    response = client_for(world.member).post(READ_ALL, {"show": "unread"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'id="notification-list"' in html and "You are all caught up." in html
    assert 'id="notification-bell"' in html and "bell__count" not in html
    assert _unread(world.member) == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", CENTRE),
        ("post", BELL),
        ("get", READ_ALL),
        ("get", reverse("notifications:preferences")),
    ],
)
def test_wrong_method_is_405(world, client_for, method, url):
    assert getattr(client_for(world.member), method)(url).status_code == 405


@pytest.mark.parametrize("url", [CENTRE, BELL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The bell ---------------------------------------------------------------------------


def test_bell_is_204_while_the_count_is_unchanged(world, dispatch, client_for):
    ticket = _ticket(world)
    _reply(world, ticket, dispatch=dispatch)
    client = client_for(world.member)

    assert client.get(BELL, {"n": "1"}).status_code == 204

    _reply(world, ticket, "Another", dispatch)
    response = client.get(BELL, {"n": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="bell__count"[^>]*>2<', html)
    assert f"{BELL}?n=2" in html
    assert 'aria-label="Notifications: 2 unread"' in html


def test_bell_hides_a_zero_and_caps_at_99(world, client_for):
    client = client_for(world.member)
    empty = client.get(BELL, {"n": "3"}).content.decode()
    assert "bell__count" not in empty and "Notifications: none unread" in empty

    event = record_event(
        organisation=world.org, actor=None, verb="member_joined", data={"member": "X"}
    )
    events = [event] + [
        Event.objects.create(organisation=world.org, verb="member_joined") for _ in range(119)
    ]
    Notification.objects.bulk_create(
        Notification(event=e, user=world.member, channel="portal", status="sent") for e in events
    )
    html = client.get(BELL).content.decode()
    assert re.search(r'class="bell__count"[^>]*>99\+<', html)
    assert "Notifications: 120 unread" in html


def test_every_page_shows_the_bell_with_its_count(world, dispatch, client_for):
    _reply(world, _ticket(world), dispatch=dispatch)

    html = client_for(world.member).get(reverse("portal:dashboard")).content.decode()

    assert 'id="notification-bell"' in html
    assert f'hx-get="{BELL}?n=1"' in html and 'hx-trigger="every 10s"' in html
    assert 'href="/notifications/"' in html


# The context processor --------------------------------------------------------------


def test_context_processor_costs_nothing_for_anonymous_and_until_read(world, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as anonymous:
        assert notices_for(request) == {}
    assert len(anonymous.captured_queries) == 0

    request.user = world.member
    with CaptureQueriesContext(connection) as lazy:
        notices = notices_for(request)["notices"]
    assert len(lazy.captured_queries) == 0
    with CaptureQueriesContext(connection) as reading:
        assert notices.unread == 0
        assert notices.telegram_blocked is False
        assert notices.replies == []
    assert len(reading.captured_queries) == 1


def test_a_page_costs_the_same_with_many_unread(world, dispatch, client_for):
    def queries(replies):
        ticket = _ticket(world, f"{replies} replies")
        for n in range(replies):
            _reply(world, ticket, f"Answer {n}")
        dispatch()
        Notification.objects.update(announced_at=timezone.now())  # no banner
        client = client_for(world.member)
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("accounts:profile"))
        return len(context.captured_queries)

    assert queries(1) == queries(12)


# The reply banner -------------------------------------------------------------------


def test_a_new_reply_is_announced_once_on_the_next_page(world, dispatch, client_for):
    ticket = _ticket(world)
    comment = _reply(world, ticket, dispatch=dispatch)
    row = _notification(world.member, comment)
    client = client_for(world.member)

    first = client.get(reverse("portal:dashboard")).content.decode()
    second = client.get(reverse("portal:dashboard")).content.decode()

    assert f"New reply on {ticket.number}: Router down in Valparaíso" in first
    assert reverse("notifications:open", args=[row.pk]) in first
    assert "New reply on" not in second
    row.refresh_from_db()
    assert row.announced_at is not None and row.read_at is None


def test_several_new_replies_are_announced_together(world, dispatch, client_for):
    tickets = [_ticket(world, f"Issue {n}") for n in range(3)]
    for ticket in tickets:
        _reply(world, ticket)
    dispatch()

    html = client_for(world.member).get(reverse("tickets:list")).content.decode()

    assert "3 new replies" in html
    for ticket in tickets:
        assert ticket.number in html
    assert html.count('href="/notifications/') >= 3


def test_a_reply_already_on_screen_is_not_announced(world, dispatch, client_for):
    ticket = _ticket(world)
    comment = _reply(world, ticket, dispatch=dispatch)
    client = client_for(world.member)

    on_ticket = client.get(ticket.get_absolute_url()).content.decode()
    elsewhere = client.get(reverse("portal:dashboard")).content.decode()

    assert "New reply on" not in on_ticket and "New reply on" not in elsewhere
    assert _notification(world.member, comment).announced_at is not None

    # The centre lists the reply itself: no banner there either.
    _reply(world, ticket, "Another", dispatch)
    assert "New reply on" not in client.get(CENTRE).content.decode()
    assert "New reply on" not in client.get(reverse("portal:dashboard")).content.decode()


def test_a_read_reply_and_other_events_bring_no_banner(world, dispatch, client_for):
    ticket = _ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.manager)
    comment = _reply(world, ticket, dispatch=dispatch)
    Notification.objects.filter(pk=_notification(world.member, comment).pk).update(
        read_at=timezone.now()
    )

    member = client_for(world.member).get(reverse("portal:dashboard")).content.decode()

    assert "New reply on" not in member and "new replies" not in member


def test_htmx_fragments_never_use_up_the_banner(world, dispatch, client_for):
    ticket = _ticket(world)
    comment = _reply(world, ticket, dispatch=dispatch)
    client = client_for(world.member)

    client.get(reverse("tickets:list"), HTTP_HX_REQUEST="true")
    client.get(BELL, {"n": "0"}, HTTP_HX_REQUEST="true")
    # A whole page fetched by htmx to pick a piece of it (hx-select) is not seen either.
    whole = client.get(reverse("accounts:profile"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="notification-bell"' in whole and "New reply on" not in whole

    assert _notification(world.member, comment).announced_at is None
    assert "New reply on" in client.get(reverse("portal:dashboard")).content.decode()


# The Telegram notice ----------------------------------------------------------------


def test_a_blocked_bot_is_announced_with_a_link_to_the_profile(world, client_for):
    link = TelegramLink.objects.create(
        user=world.member, chat_id=42, is_active=False, ended_reason="blocked", notice_pending=True
    )
    client = client_for(world.member)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert "Telegram messages have stopped" in html
    assert 'href="/account/profile/#telegram"' in html
    link.notice_pending = False
    link.save(update_fields=["notice_pending"])
    assert (
        "Telegram messages have stopped"
        not in client.get(reverse("portal:dashboard")).content.decode()
    )


def test_the_centre_shows_events_about_no_subject_beside_ticket_events(world, client_for):
    """A team change has no subject (no ticket): it is listed with its own link."""
    ticket = _ticket(world, requester=world.manager)
    _reply(world, ticket)
    record_event(
        organisation=world.org,
        actor=world.member,
        verb="member_joined",
        data={"member": "Diego", "role": "member"},
    )
    for pk in Event.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        _dispatch(pk)
    response = client_for(world.manager).get(reverse("notifications:centre"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("accounts:team") in page
    assert ticket.number in page
