"""Escalations and call requests: a state on the ticket (not a reply), one open at a
time, bounded input, closed by an agent in the admin, and worded in each reader's
language wherever they are shown (portal, admin, notifications)."""

import email
import email.policy

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Event
from notifications.channels.email import EmailChannel
from notifications.models import Notification
from notifications.render import render
from tickets import services
from tickets.models import CallRequest, Comment, Ticket
from tickets.states import Status

REASON = "Our shop has been offline for two hours"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def verbs(ticket):
    return list(
        Event.objects.filter(data__number=ticket.number)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def detail_url(ticket, name="tickets:detail", **kwargs):
    return reverse(name, kwargs={"number": ticket.number, **kwargs})


def admin_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def resolve_url(ticket):
    return reverse("admin:tickets_ticket_escalation_resolve", args=[ticket.pk])


def call_done_url(ticket, call):
    return reverse("admin:tickets_ticket_call_done", args=[ticket.pk, call.pk])


def action_of(url):
    return f'action="{url}"'


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Services ----------------------------------------------------------------


def test_escalation_is_a_state_with_who_when_why_not_a_reply(world, ticket):
    services.ticket_escalate(ticket=ticket, reason=f"  {REASON} ", by=world.member)
    ticket.refresh_from_db()
    assert ticket.is_escalated
    assert (ticket.escalated_by, ticket.escalation_reason) == (world.member, REASON)
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert ticket.public_reply_count == 0
    event = Event.objects.get(verb="ticket_escalated")
    assert event.data["reason"] == REASON


def test_a_second_escalation_is_refused_while_one_is_open(world, ticket):
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    with pytest.raises(ValidationError, match="has been escalated since"):
        services.ticket_escalate(ticket=ticket, reason="Again!", by=world.manager)
    ticket.refresh_from_db()
    assert (ticket.escalated_by, ticket.escalation_reason) == (world.member, REASON)
    assert verbs(ticket).count("ticket_escalated") == 1

    services.escalation_resolve(ticket=ticket, by=world.agent)
    ticket.refresh_from_db()
    assert not ticket.is_escalated and ticket.escalation_resolved_by == world.agent
    # Once closed, a new escalation is a new request.
    services.ticket_escalate(ticket=ticket, reason="Down again", by=world.manager)
    ticket.refresh_from_db()
    assert ticket.is_escalated and ticket.escalation_resolved_at is None
    assert verbs(ticket)[-3:] == [
        "ticket_escalated",
        "ticket_escalation_resolved",
        "ticket_escalated",
    ]


def test_the_reason_is_limited_and_a_long_one_saves_nothing(world, ticket):
    with pytest.raises(ValidationError, match="2000 characters"):
        services.ticket_escalate(ticket=ticket, reason="x" * 2001, by=world.member)
    ticket.refresh_from_db()
    assert ticket.escalated_at is None and ticket.escalation_reason == ""
    assert "ticket_escalated" not in verbs(ticket)
    services.ticket_escalate(ticket=ticket, reason="x" * 2000, by=world.member)  # control
    assert Ticket.objects.get(pk=ticket.pk).is_escalated


def test_a_done_ticket_is_no_longer_escalated_and_a_reopened_one_is_again(
    client_for, world, ticket
):
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    ticket.refresh_from_db()
    assert not ticket.is_escalated
    queue = reverse("admin:tickets_ticket_changelist")
    agent = client_for(world.agent)
    assert not agent.get(queue, {"escalation": "open"}).context["cl"].result_list
    services.ticket_transition(ticket=ticket, to=Status.REOPENED, by=world.member)
    ticket.refresh_from_db()
    assert ticket.is_escalated
    listed = agent.get(queue, {"escalation": "open"}).context["cl"].result_list
    assert [t.number for t in listed] == [ticket.number]


def test_only_staff_close_an_escalation_and_only_an_open_one(world, ticket):
    with pytest.raises(ValidationError, match="no open escalation"):
        services.escalation_resolve(ticket=ticket, by=world.agent)
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    with pytest.raises(ValidationError, match="Only support staff"):
        services.escalation_resolve(ticket=ticket, by=world.manager)
    assert Ticket.objects.get(pk=ticket.pk).is_escalated
    services.escalation_resolve(ticket=ticket, by=world.agent)
    assert not Ticket.objects.get(pk=ticket.pk).is_escalated


def test_one_pending_call_at_a_time_until_an_agent_marks_it_done(world, ticket):
    call = services.call_request(
        ticket=ticket, phone="+54 11 5555 0000", preferred_time="after 15:00", by=world.member
    )
    with pytest.raises(ValidationError, match="already asked for a call"):
        services.call_request(
            ticket=ticket, phone="+54 11 4444 0000", preferred_time="", by=world.member
        )
    assert CallRequest.objects.count() == 1
    with pytest.raises(ValidationError):
        services.call_done(call=call, by=world.member)
    services.call_done(call=call, by=world.agent)
    call.refresh_from_db()
    assert call.done_by == world.agent and call.done_at is not None
    with pytest.raises(ValidationError, match="already marked as done"):
        services.call_done(call=call, by=world.agent)
    services.call_request(
        ticket=ticket, phone="+54 11 5555 0000", preferred_time="", by=world.member
    )
    assert CallRequest.objects.filter(done_at__isnull=True).count() == 1
    event = Event.objects.get(verb="ticket_call_done")
    assert (event.data["phone"], event.data["preferred_time"]) == (
        "+54 11 5555 0000",
        "after 15:00",
    )


@pytest.mark.parametrize(
    "phone, preferred_time",
    [("+54 11 5555 0000" + "1" * 30, ""), ("call me", ""), ("+54 11 5555 0000", "x" * 121)],
)
def test_call_input_is_bounded(world, ticket, phone, preferred_time):
    with pytest.raises(ValidationError):
        services.call_request(
            ticket=ticket, phone=phone, preferred_time=preferred_time, by=world.member
        )
    assert not CallRequest.objects.exists()
    assert "ticket_call_requested" not in verbs(ticket)


def test_a_closed_ticket_takes_no_escalation_or_call(world, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    with pytest.raises(ValidationError):
        services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    with pytest.raises(ValidationError):
        services.call_request(
            ticket=ticket, phone="+54 11 5555 0000", preferred_time="", by=world.member
        )
    assert not Ticket.objects.get(pk=ticket.pk).escalated_at
    assert not CallRequest.objects.exists()


# --- The client's page -------------------------------------------------------------


def test_the_page_shows_the_escalation_and_refuses_a_second_one(client_for, world, ticket):
    client = client_for(world.member)
    assert (
        action_of(detail_url(ticket, "tickets:escalate"))
        in client.get(detail_url(ticket)).content.decode()
    )
    client.post(detail_url(ticket, "tickets:escalate"), {"reason": REASON})
    body = client.get(detail_url(ticket)).content.decode()
    assert "Escalated by Diego" in body and REASON in body
    assert action_of(detail_url(ticket, "tickets:escalate")) not in body

    response = client.post(detail_url(ticket, "tickets:escalate"), {"reason": "Again"})
    assert response.status_code == 302
    assert any("has been escalated since" in m for m in flashed(response))
    assert verbs(ticket).count("ticket_escalated") == 1


def test_a_100_kb_reason_is_refused_in_the_clients_language(client_for, world, ticket):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    response = client.post(detail_url(ticket, "tickets:escalate"), {"reason": "A" * 100_000})
    assert response.status_code == 302
    assert any("2000" in m and "Asegúrese" in m for m in flashed(response)), flashed(response)
    ticket.refresh_from_db()
    assert ticket.escalated_at is None and "ticket_escalated" not in verbs(ticket)


def test_the_escalation_is_worded_in_the_readers_language(client_for, world, ticket):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    client.post(detail_url(ticket, "tickets:escalate"), {"reason": REASON})
    # Nothing in the actor's language is stored: an English reader reads English.
    assert not Comment.objects.filter(ticket=ticket).exists()
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    world.other_member.language = "en"
    world.other_member.save(update_fields=["language"])
    body = client_for(world.other_member).get(detail_url(ticket)).content.decode()
    assert "Escalamiento" not in body
    assert "Escalated by Diego" in body and REASON in body


def test_the_escalation_email_carries_the_reason(world, ticket):
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    event = Event.objects.get(verb="ticket_escalated")
    world.supervisor.language = "en"
    message = render(event, world.supervisor)
    assert message.excerpt == f"Reason: {REASON}"
    row = Notification.objects.create(event=event, user=world.supervisor, channel="email")
    built = EmailChannel().build(row, message)
    parsed = email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)
    assert REASON in parsed.get_body(preferencelist=("plain",)).get_content()


def test_the_call_notification_carries_the_phone_and_time(world, ticket):
    services.call_request(
        ticket=ticket, phone="+54 11 5555 0000", preferred_time="after 15:00", by=world.member
    )
    message = render(Event.objects.get(verb="ticket_call_requested"), world.supervisor)
    assert "+54 11 5555 0000" in message.excerpt and "after 15:00" in message.excerpt


def test_the_page_shows_the_pending_call_then_that_it_was_done(client_for, world, ticket):
    client = client_for(world.member)
    client.post(
        detail_url(ticket, "tickets:call"),
        {"phone": "+54 11 5555 0000", "preferred_time": "after 15:00"},
    )
    body = client.get(detail_url(ticket)).content.decode()
    assert "+54 11 5555 0000" in body and "after 15:00" in body and "Pending" in body
    assert action_of(detail_url(ticket, "tickets:call")) not in body
    response = client.post(detail_url(ticket, "tickets:call"), {"phone": "+54 11 4444 0000"})
    assert any("already asked for a call" in m for m in flashed(response))

    services.call_done(call=CallRequest.objects.get(), by=world.agent)
    body = client.get(detail_url(ticket)).content.decode()
    assert "Called by Ana Agent" in body
    assert action_of(detail_url(ticket, "tickets:call")) in body


def test_a_too_long_call_request_is_refused_with_a_message(client_for, world, ticket):
    client = client_for(world.member)
    response = client.post(
        detail_url(ticket, "tickets:call"),
        {"phone": "+54 11 5555 0000", "preferred_time": "x" * 500},
    )
    assert response.status_code == 302
    assert any("120" in m for m in flashed(response))
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("name", ["tickets:escalate", "tickets:call"])
def test_escalate_and_call_take_post_only(client_for, world, ticket, name):
    assert client_for(world.member).get(detail_url(ticket, name)).status_code == 405


# --- The admin ---------------------------------------------------------------


def test_the_queue_shows_who_escalated_when_and_why_and_filters_on_it(client_for, world, ticket):
    calm = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Calm", description="No rush"
    )
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    client = client_for(world.agent)
    queue = reverse("admin:tickets_ticket_changelist")
    body = client.get(queue).content.decode()
    assert "ticket-label--escalated" in body and "Diego" in body and REASON in body
    listed = client.get(queue, {"escalation": "open"}).context["cl"].result_list
    assert [t.number for t in listed] == [ticket.number]
    assert calm.number in {t.number for t in client.get(queue).context["cl"].result_list}


def test_an_agent_closes_the_escalation_from_the_ticket_page(client_for, world, ticket):
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    client = client_for(world.agent)
    body = client.get(admin_url(ticket)).content.decode()
    assert REASON in body and f'action="{resolve_url(ticket)}"' in body
    assert f"Reason: {REASON}" in body  # the history says why, not only that
    response = client.post(resolve_url(ticket))
    assert response.status_code == 302 and response.url == admin_url(ticket)
    ticket.refresh_from_db()
    assert not ticket.is_escalated and ticket.escalation_resolved_by == world.agent
    assert verbs(ticket)[-1] == "ticket_escalation_resolved"
    body = client.get(admin_url(ticket)).content.decode()
    assert "Escalation closed" in body and f'action="{resolve_url(ticket)}"' not in body
    # The client sees it was closed.
    body = client_for(world.member).get(detail_url(ticket)).content.decode()
    assert "Closed by Ana Agent" in body


def test_an_agent_marks_the_call_done_from_the_ticket_page(client_for, world, ticket):
    call = services.call_request(
        ticket=ticket, phone="+54 11 5555 0000", preferred_time="after 15:00", by=world.member
    )
    client = client_for(world.agent)
    body = client.get(admin_url(ticket)).content.decode()
    assert "+54 11 5555 0000" in body and "after 15:00" in body
    assert f'action="{call_done_url(ticket, call)}"' in body
    response = client.post(call_done_url(ticket, call))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.done_by == world.agent
    assert verbs(ticket)[-1] == "ticket_call_done"


def test_admin_followup_urls_post_only_staff_only_and_scoped(client_for, world, ticket):
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    call = services.call_request(
        ticket=ticket, phone="+54 11 5555 0000", preferred_time="", by=world.member
    )
    other = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Other", description="x"
    )
    for person in (world.member, world.manager):
        response = client_for(person).post(resolve_url(ticket))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    agent = client_for(world.agent)
    assert agent.get(resolve_url(ticket)).status_code == 405
    assert agent.get(call_done_url(ticket, call)).status_code == 405
    # A call reached through another ticket, or a ticket that does not exist: 404.
    assert agent.post(call_done_url(other, call)).status_code == 404
    missing = reverse("admin:tickets_ticket_escalation_resolve", args=[999999])
    assert agent.post(missing).status_code == 404
    call.refresh_from_db()
    assert call.done_at is None and Ticket.objects.get(pk=ticket.pk).is_escalated
