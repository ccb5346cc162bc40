"""The ticket services: replies and notes, priority, validation, ratings, merge,
watchers and client tasks. Each asserts the state change and its event."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.models import Event, Visibility
from tests.factories import member_of
from tests.tickets.factories import CommentFactory, TicketFactory, open_ticket
from tickets import services
from tickets.models import (
    Attachment,
    Category,
    ClientTask,
    Comment,
    PriorityRule,
    Rating,
    RequestSection,
    RequestType,
    Ticket,
    TicketPolicy,
    TicketWatcher,
)
from tickets.states import Priority, Status


def verbs_for(ticket) -> list[str]:
    return list(
        Event.objects.filter(organisation=ticket.organisation, data__number=ticket.number)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def _ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def ticket(world):
    """An open ticket of the member, last touched an hour ago."""
    hour_ago = _ago(hours=1)
    return TicketFactory(
        organisation=world.org,
        requester=world.member,
        status=Status.OPEN,
        updated_at=hour_ago,
        last_activity_at=hour_ago,
        last_client_activity_at=hour_ago,
    )


def _with_status(ticket, status, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)
    ticket.refresh_from_db()
    return ticket


# Replies and notes -----------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_client_reply_on_a_done_ticket_reopens_it(world, ticket, status):
    _with_status(ticket, status, resolved_at=_ago(days=1), closed_at=_ago(hours=2))
    before = ticket.last_client_activity_at

    services.comment_add(ticket=ticket, author=world.member, body="Still down, sorry.")

    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert ticket.resolved_at is None
    assert ticket.closed_at is None
    assert ticket.last_client_activity_at > before
    assert ticket.last_activity_at > before
    assert ticket.public_reply_count == 1
    assert verbs_for(ticket) == ["ticket_replied", "ticket_reopened"]


def test_client_reply_when_waiting_on_client_goes_back_to_support(world, ticket):
    _with_status(ticket, Status.WAITING_ON_CLIENT)

    services.comment_add(ticket=ticket, author=world.member, body="Here is the log.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    # The move is recorded too: the SLA clocks resume on it.
    assert verbs_for(ticket) == ["ticket_replied", "ticket_status_changed"]


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN, Status.IN_PROGRESS])
def test_client_reply_while_support_works_keeps_the_status(world, ticket, status):
    _with_status(ticket, status)

    services.comment_add(ticket=ticket, author=world.manager, body="Any news?")

    ticket.refresh_from_db()
    assert ticket.status == status
    assert ticket.public_reply_count == 1


def test_agent_public_reply_opens_a_new_ticket(world, ticket):
    _with_status(ticket, Status.NEW)
    before = ticket.last_client_activity_at

    comment = services.comment_add(ticket=ticket, author=world.agent, body="Looking into it.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.public_reply_count == 1
    assert ticket.last_client_activity_at == before  # an agent's reply is not the client's
    assert ticket.last_activity_at > before
    event = Event.objects.get(verb="ticket_replied")
    assert event.target == comment
    assert event.visibility == Visibility.PUBLIC


def test_agent_reply_on_a_resolved_ticket_does_not_reopen_it(world, ticket):
    _with_status(ticket, Status.RESOLVED, resolved_at=_ago(days=1))

    services.comment_add(ticket=ticket, author=world.agent, body="Glad it works.")

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_internal_note_is_internal_and_not_a_reply(world, ticket):
    _with_status(ticket, Status.NEW)
    before = ticket.last_activity_at

    note = services.comment_add(
        ticket=ticket, author=world.agent, body="Their router is EOL.", internal=True
    )

    ticket.refresh_from_db()
    assert note.is_internal
    assert ticket.public_reply_count == 0
    assert ticket.status == Status.NEW  # a note is not an answer to the client
    assert ticket.last_activity_at == before  # clients see no change
    assert ticket.updated_at > before
    event = Event.objects.get(data__number=ticket.number)
    assert event.verb == "ticket_note_added"
    assert event.visibility == Visibility.INTERNAL
    assert event.target == note


def test_client_cannot_add_an_internal_note(world, ticket):
    with pytest.raises(ValidationError, match="Only support staff"):
        services.comment_add(ticket=ticket, author=world.manager, body="psst", internal=True)

    assert not Comment.objects.filter(ticket=ticket).exists()
    assert verbs_for(ticket) == []


def test_empty_reply_is_refused(world, ticket):
    with pytest.raises(ValidationError, match="Write a message"):
        services.comment_add(ticket=ticket, author=world.member, body="   ")
    assert not Comment.objects.exists()


# Opening and priority ------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Types and categories with one rule at each level of specificity."""
    section = RequestSection.objects.create(name="Incidents")
    link = RequestType.objects.create(section=section, name="Link down", default_priority="low")
    other = RequestType.objects.create(section=section, name="Question", default_priority="low")
    fibre = Category.objects.create(name="Fibre", slug="test-fibre")
    radio = Category.objects.create(name="Radio", slug="test-radio")
    billing = Category.objects.create(name="Invoices", slug="test-invoices")
    PriorityRule.objects.create(request_type=link, category=fibre, priority="critical")
    PriorityRule.objects.create(request_type=link, category=None, priority="high")
    PriorityRule.objects.create(request_type=None, category=fibre, priority="medium")
    PriorityRule.objects.create(request_type=None, category=radio, priority="medium")
    return {"link": link, "other": other, "fibre": fibre, "radio": radio, "billing": billing}


def test_open_records_the_event_and_the_requester(world):
    ticket = open_ticket(world)

    assert ticket.status == Status.NEW
    assert ticket.requester == world.member
    event = Event.objects.get(verb="ticket_opened")
    assert event.actor == world.member
    assert event.target == ticket
    assert event.organisation == world.org


@pytest.mark.parametrize("policy_row", [False, True])
def test_client_chosen_priority_is_kept_when_the_policy_allows(world, catalogue, policy_row):
    if policy_row:  # no row means the default: the client chooses
        TicketPolicy.objects.create(organisation=world.org, client_sets_priority=True)

    ticket = open_ticket(
        world, request_type=catalogue["link"], category=catalogue["fibre"], priority="low"
    )

    assert ticket.priority == Priority.LOW


def test_without_a_client_choice_the_rules_decide(world, catalogue):
    ticket = open_ticket(world, request_type=catalogue["link"], category=catalogue["fibre"])
    assert ticket.priority == Priority.CRITICAL


@pytest.mark.parametrize(
    ("type_", "category", "expected"),
    [
        ("link", "fibre", "critical"),  # type and category
        ("link", "radio", "high"),  # type only beats the radio category rule
        ("other", "fibre", "medium"),  # category only beats the type default
        ("other", "billing", "low"),  # no rule: the type's default
        ("link", None, "high"),
        (None, "fibre", "medium"),
        (None, None, "medium"),  # nothing at all
    ],
)
def test_rules_decide_when_the_client_does_not(world, catalogue, type_, category, expected):
    TicketPolicy.objects.create(organisation=world.org, client_sets_priority=False)

    ticket = open_ticket(
        world,
        request_type=catalogue.get(type_),
        category=catalogue.get(category),
        priority="low" if expected != "low" else "critical",  # ignored
    )

    assert ticket.priority == expected
    assert Event.objects.get(verb="ticket_opened").data["priority"] == expected


def test_rules_see_the_category_the_type_defaults_to(world, catalogue):
    link = catalogue["link"]
    link.default_category = catalogue["fibre"]
    link.save()
    TicketPolicy.objects.create(organisation=world.org, client_sets_priority=False)

    ticket = open_ticket(world, request_type=link)

    assert ticket.category == catalogue["fibre"]
    assert ticket.priority == Priority.CRITICAL  # the (link, fibre) rule, not (link, *)


@pytest.mark.parametrize(("subject", "description"), [("", "text"), ("Help", "  "), (None, None)])
def test_subject_and_description_are_required(world, subject, description):
    with pytest.raises(ValidationError) as excinfo:
        open_ticket(world, subject=subject, description=description)

    assert excinfo.value.messages == ["Subject and description are required."]
    assert not Ticket.objects.exists()
    assert not Event.objects.exists()


def test_open_adds_watchers_but_not_the_requester_twice(world):
    ticket = open_ticket(world, watchers=[world.member, world.other_member])

    assert list(TicketWatcher.objects.filter(ticket=ticket).values_list("user", flat=True)) == [
        world.other_member.pk
    ]


# Rating --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN, Status.REOPENED])
def test_rating_only_once_resolved(world, ticket, status):
    _with_status(ticket, status)
    with pytest.raises(ValidationError, match="once the ticket is resolved"):
        services.rating_set(ticket=ticket, score=5, comment="", by=world.member)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, -1])
def test_rating_is_one_to_five(world, ticket, score):
    _with_status(ticket, Status.RESOLVED, resolved_at=_ago(hours=1))
    with pytest.raises(ValidationError, match="1 to 5"):
        services.rating_set(ticket=ticket, score=score, comment="", by=world.member)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_rating_can_be_changed_for_seven_days_then_not(world, ticket, status):
    _with_status(ticket, status, resolved_at=_ago(hours=1))

    rating = services.rating_set(ticket=ticket, score=2, comment=" slow ", by=world.member)
    assert (rating.score, rating.comment) == (2, "slow")

    Rating.objects.filter(pk=rating.pk).update(created_at=_ago(days=6, hours=23))
    services.rating_set(ticket=ticket, score=4, comment="fixed after all", by=world.manager)
    rating.refresh_from_db()
    assert (rating.score, rating.rated_by) == (4, world.manager)

    Rating.objects.filter(pk=rating.pk).update(created_at=_ago(days=7, minutes=1))
    with pytest.raises(ValidationError, match="7 days"):
        services.rating_set(ticket=ticket, score=1, comment="", by=world.member)
    rating.refresh_from_db()
    assert rating.score == 4
    assert verbs_for(ticket) == ["ticket_rated", "ticket_rated"]


# Merge -----------------------------------------------------------------------------------


def _attachment(ticket, comment=None, *, internal=False):
    return Attachment.objects.create(
        ticket=ticket,
        comment=comment,
        file=f"attachments/{ticket.pk}/ab/abc",
        name="router.log",
        content_type="text/plain",
        size=3,
        sha256="abc",
        is_internal=internal,
    )


def test_merge_moves_the_thread_and_closes_the_duplicate(world, ticket):
    source = TicketFactory(organisation=world.org, requester=world.other_member)
    reply = CommentFactory(ticket=source)
    note = CommentFactory(ticket=source, author=world.agent, is_internal=True)
    file = _attachment(source, reply)
    loose_file = _attachment(source, internal=True)
    CommentFactory(ticket=ticket)

    survivor = services.ticket_merge(source=source, target=ticket, by=world.agent)

    assert survivor == ticket
    assert set(Comment.objects.filter(ticket=ticket)) >= {reply, note}
    assert not Comment.objects.filter(ticket=source).exists()
    assert set(Attachment.objects.filter(ticket=ticket)) == {file, loose_file}
    file.refresh_from_db()
    assert file.comment == reply  # still attached to its message
    source.refresh_from_db()
    assert source.merged_into == ticket
    assert source.status == Status.CLOSED
    assert source.closed_at is not None
    assert source.public_reply_count == 0
    ticket.refresh_from_db()
    # Its own reply, the moved one and the merge notice; the internal note does not count.
    assert ticket.public_reply_count == 3
    # The duplicate's requester follows the surviving ticket.
    assert TicketWatcher.objects.filter(ticket=ticket, user=world.other_member).exists()
    assert verbs_for(source) == ["ticket_merged"]


def test_merge_across_organisations_is_refused(world, ticket):
    foreign = TicketFactory(organisation=world.other_org, requester=world.outsider)
    CommentFactory(ticket=foreign)

    with pytest.raises(ValidationError, match="same organisation"):
        services.ticket_merge(source=foreign, target=ticket, by=world.agent)

    foreign.refresh_from_db()
    assert foreign.merged_into is None
    assert foreign.status == Status.NEW
    assert Comment.objects.filter(ticket=foreign).count() == 1
    assert not Event.objects.exists()


def test_merge_into_itself_or_twice_is_refused(world, ticket):
    with pytest.raises(ValidationError):
        services.ticket_merge(source=ticket, target=ticket, by=world.agent)

    first = TicketFactory(organisation=world.org, requester=world.member)
    services.ticket_merge(source=first, target=ticket, by=world.agent)
    again = TicketFactory(organisation=world.org, requester=world.member)
    with pytest.raises(ValidationError, match="already merged"):
        services.ticket_merge(source=first, target=again, by=world.agent)


# Watchers and client tasks ------------------------------------------------------------------


def test_watcher_must_belong_to_the_organisation(world, ticket):
    with pytest.raises(ValidationError, match="organisation"):
        services.watcher_add(ticket=ticket, user=world.outsider, by=world.manager)
    assert not TicketWatcher.objects.exists()
    assert verbs_for(ticket) == []


def test_watcher_with_a_deactivated_membership_is_refused(world, ticket):
    former = member_of(world.org)
    former.memberships.update(is_active=False)
    with pytest.raises(ValidationError):
        services.watcher_add(ticket=ticket, user=former, by=world.manager)


def test_watcher_add_is_idempotent(world, ticket):
    first = services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    second = services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)

    assert first == second
    assert verbs_for(ticket) == ["ticket_watcher_added"]


def test_client_task_complete_is_idempotent(world, ticket):
    task = services.client_task_add(
        ticket=ticket,
        title="Reboot the router",
        details="",
        due_date=None,
        assignee=world.member,
        by=world.agent,
    )

    services.client_task_complete(task=task, by=world.member)
    task.refresh_from_db()
    done_at = task.done_at
    services.client_task_complete(task=task, by=world.manager)

    task.refresh_from_db()
    assert task.done_at == done_at
    assert task.done_by == world.member
    assert verbs_for(ticket) == ["client_task_added", "client_task_assigned", "client_task_done"]


def test_client_task_for_someone_outside_is_refused(world, ticket):
    with pytest.raises(ValidationError):
        services.client_task_add(
            ticket=ticket,
            title="Send the log",
            details="",
            due_date=None,
            assignee=world.outsider,
            by=world.agent,
        )
    assert not ClientTask.objects.exists()
