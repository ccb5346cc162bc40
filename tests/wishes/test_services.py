"""Every write to a wish (wishes/services.py): what it allows, what it refuses, what it records."""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from activity.models import Event, Visibility
from tests.factories import OrganisationFactory, member_of
from tests.wishes.factories import TARGET, draft, service_of, submitted, wish_in
from wishes import services, states
from wishes.models import Wish, WishComment, WishVersion, WishVote
from wishes.states import STAFF, TRANSITIONS, RefusalReason, Value, WishStatus

pytestmark = pytest.mark.django_db

S = WishStatus
NUMBER = re.compile(r"^WSH-(\d{4})-(\d{5,})$")


def _events(wish, **filters):
    return list(
        Event.objects.filter(data__number=wish.number, **filters)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def _snapshot(wish):
    wish.refresh_from_db()
    return (
        wish.status,
        wish.position,
        wish.decision_note,
        wish.refusal_reason,
        wish.target_date,
        wish.estimate_hours,
        wish.status_changed_at,
        Event.objects.filter(data__number=wish.number).count(),
    )


# Creating a draft


def test_a_draft_is_numbered_and_records_nothing(world):
    fibre = service_of(world.org)
    wish = draft(world, services=[fibre], value=Value.HIGH, desired_date=dt.date(2026, 12, 1))

    match = NUMBER.match(wish.number)
    assert match and int(match[1]) == timezone.now().year
    assert wish.status == S.DRAFT
    assert wish.author == world.member and wish.organisation == world.org
    assert list(wish.services.all()) == [fibre]
    assert wish.value == Value.HIGH
    assert not wish.versions.exists()
    assert _events(wish) == []  # nobody but its author knows of a draft


def test_numbers_follow_each_other_across_organisations(world):
    first = draft(world)
    second = draft(world, organisation=world.other_org, author=world.outsider)
    assert int(NUMBER.match(second.number)[2]) == int(NUMBER.match(first.number)[2]) + 1


@pytest.mark.parametrize(
    ("title", "description"), [("", "Something"), ("Something", ""), ("   ", "Something")]
)
def test_a_draft_needs_a_title_and_a_description(world, title, description):
    with pytest.raises(ValidationError):
        draft(world, title, description=description)
    assert not Wish.objects.exists()


def test_the_text_is_kept_without_surrounding_blanks(world):
    wish = draft(world, "  Usage report  ", description="\n Each month. \n")
    assert (wish.title, wish.description) == ("Usage report", "Each month.")


def test_a_business_value_off_the_list_is_refused(world):
    with pytest.raises(ValidationError):
        draft(world, value="enormous")
    assert not Wish.objects.exists()


def test_services_of_another_organisation_are_refused(world):
    theirs = service_of(world.other_org, "Their link")
    with pytest.raises(ValidationError):
        draft(world, services=[service_of(world.org), theirs])
    assert not Wish.objects.exists()


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_staff_cannot_ask_for_a_wish(world, who):
    with pytest.raises(ValidationError):
        draft(world, author=getattr(world, who))
    assert not Wish.objects.exists()


# Editing


def test_the_author_edits_a_draft(world):
    wish = draft(world)
    fibre = service_of(world.org)
    services.wish_update(
        wish=wish,
        by=world.member,
        title="Weekly report",
        visible_to_organisation=False,
        services=[fibre],
    )
    wish.refresh_from_db()
    assert wish.title == "Weekly report"
    assert wish.description  # kept as it was
    assert wish.visible_to_organisation is False
    assert list(wish.services.all()) == [fibre]


@pytest.mark.parametrize("who", ["other_member", "manager", "partner", "agent"])
def test_only_the_author_edits(world, who):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_update(wish=wish, by=getattr(world, who), title="Mine now")
    wish.refresh_from_db()
    assert wish.title != "Mine now"


@pytest.mark.parametrize("status", [s for s in S.values if s not in states.EDITABLE])
def test_the_author_edits_only_a_draft_or_a_wish_sent_back(world, status):
    wish = wish_in(world, status)
    with pytest.raises(ValidationError):
        services.wish_update(wish=wish, by=world.member, title="Changed")
    wish.refresh_from_db()
    assert wish.title != "Changed"


def test_an_edit_that_empties_the_title_changes_nothing(world):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_update(wish=wish, by=world.member, title=" ", description="New")
    wish.refresh_from_db()
    assert wish.title and wish.description != "New"


def test_an_edit_with_services_of_another_organisation_changes_nothing(world):
    wish = draft(world, services=[service_of(world.org)])
    with pytest.raises(ValidationError):
        services.wish_update(
            wish=wish,
            by=world.member,
            title="Changed",
            services=[service_of(world.other_org, "Theirs")],
        )
    wish.refresh_from_db()
    assert wish.title != "Changed"
    assert [s.organisation_id for s in wish.services.all()] == [world.org.pk]


def test_an_edit_of_a_field_that_is_not_text_is_a_programming_error(world):
    wish = draft(world)
    with pytest.raises(ValueError):
        services.wish_update(wish=wish, by=world.member, status=S.APPROVED)


def test_the_author_deletes_a_draft_only(world):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_delete_draft(wish=wish, by=world.other_member)
    services.wish_delete_draft(wish=wish, by=world.member)
    assert not Wish.objects.filter(pk=wish.pk).exists()
    sent = submitted(world)
    with pytest.raises(ValidationError):
        services.wish_delete_draft(wish=sent, by=world.member)
    assert Wish.objects.filter(pk=sent.pk).exists()


# Submitting and versions


def test_submitting_keeps_version_one_and_records_it(world):
    wish = draft(world)
    services.wish_submit(wish=wish, by=world.member)

    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED
    assert wish.submitted_at is not None
    [version] = wish.versions.all()
    assert (version.number, version.title, version.description) == (
        1,
        wish.title,
        wish.description,
    )
    assert version.submitted_by == world.member
    event = Event.objects.get(data__number=wish.number)
    assert event.verb == "wish_submitted"
    assert event.actor == world.member
    assert event.organisation == world.org
    assert event.visibility == Visibility.PUBLIC
    assert event.data == {"number": wish.number, "subject": wish.title, "version": 1}


@pytest.mark.parametrize("who", ["other_member", "manager", "agent"])
def test_only_the_author_submits(world, who):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_submit(wish=wish, by=getattr(world, who))
    wish.refresh_from_db()
    assert wish.status == S.DRAFT
    assert not wish.versions.exists()


@pytest.mark.parametrize("status", [s for s in S.values if s not in states.EDITABLE])
def test_a_wish_already_with_staff_is_not_submitted_again(world, status):
    wish = wish_in(world, status)
    before = _snapshot(wish)
    versions = wish.versions.count()
    with pytest.raises(ValidationError):
        services.wish_submit(wish=wish, by=world.member)
    assert _snapshot(wish) == before
    assert wish.versions.count() == versions


def test_changes_requested_then_edited_and_resubmitted_is_version_two(world):
    wish = wish_in(world, S.CHANGES_REQUESTED)
    first_sent = wish.submitted_at
    original = (wish.title, wish.description)
    services.wish_update(
        wish=wish,
        by=world.member,
        description="A PDF each month with the traffic of the Santiago and Valparaíso sites.",
    )
    services.wish_submit(wish=wish, by=world.member)

    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED
    assert wish.submitted_at == first_sent  # first sent then; the versions say when since
    v1, v2 = wish.versions.all()
    assert (v1.number, v1.title, v1.description) == (1, *original)
    assert (v2.number, v2.description) == (2, wish.description)
    assert _events(wish) == ["wish_submitted", "wish_changes_requested", "wish_resubmitted"]
    resubmitted = Event.objects.get(verb="wish_resubmitted")
    assert resubmitted.data == {"number": wish.number, "subject": wish.title, "version": 2}
    assert resubmitted.actor == world.member


# Staff moves

STAFF_MOVES = [(start, to) for (start, to), t in TRANSITIONS.items() if t.by == STAFF]
CARRIED = {
    "note": {"note": "Tell us which sites."},
    "reason": {"reason": RefusalReason.DUPLICATE},
    "target_date": {"target_date": TARGET},
}


@pytest.mark.parametrize(("start", "to"), STAFF_MOVES)
def test_every_staff_move_changes_the_status_and_records_its_verb(world, start, to):
    wish = wish_in(world, start)
    step = TRANSITIONS[(start, to)]
    carried = {k: v for need in step.needs for k, v in CARRIED[need].items()}
    before = set(Event.objects.values_list("pk", flat=True))

    moved = services.wish_move(wish=wish, to=to, by=world.supervisor, **carried)

    wish.refresh_from_db()
    assert moved.status == wish.status == to
    [event] = Event.objects.exclude(pk__in=before)
    assert event.verb == step.verb
    assert event.actor == world.supervisor
    assert event.organisation == world.org
    assert event.visibility == Visibility.PUBLIC
    assert event.data["number"] == wish.number
    assert event.data["subject"] == wish.title
    assert event.data["status"] == to
    if "reason" in step.needs:
        assert event.data["reason"] == RefusalReason.DUPLICATE
        assert wish.refusal_reason == RefusalReason.DUPLICATE
    if "note" in step.needs:
        assert wish.decision_note == "Tell us which sites."
    if "target_date" in step.needs:
        assert event.data["target_date"] == TARGET.isoformat()
        assert wish.target_date == TARGET


@pytest.mark.parametrize("start", S.values)
def test_every_move_the_table_refuses_raises_and_changes_nothing(world, start):
    wish = wish_in(world, start)
    refused = [
        to for to in S.values if (step := TRANSITIONS.get((start, to))) is None or step.by != STAFF
    ]
    assert refused
    for to in refused:
        before = _snapshot(wish)
        carried = {**CARRIED["note"], **CARRIED["reason"], **CARRIED["target_date"]}
        with pytest.raises(ValidationError):
            services.wish_move(wish=wish, to=to, by=world.agent, **carried)
        assert _snapshot(wish) == before, to


@pytest.mark.parametrize("who", ["member", "manager", "partner"])
def test_clients_do_not_move_wishes(world, who):
    wish = submitted(world)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(wish=wish, to=S.APPROVED, by=getattr(world, who))
    assert _snapshot(wish) == before


def test_the_move_and_its_event_are_one_transaction(world, monkeypatch):
    wish = submitted(world)
    before = _snapshot(wish)

    def broken(**kwargs):
        raise RuntimeError("the event could not be written")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.wish_move(wish=wish, to=S.APPROVED, by=world.agent)
    assert _snapshot(wish) == before


@pytest.mark.parametrize("start", [S.SUBMITTED, S.IN_REVIEW])
@pytest.mark.parametrize("note", ["", "   "])
def test_changes_requested_needs_a_note(world, start, note):
    wish = wish_in(world, start)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(wish=wish, to=S.CHANGES_REQUESTED, by=world.agent, note=note)
    assert _snapshot(wish) == before


@pytest.mark.parametrize("reason", ["", "because", None])
def test_not_accepted_needs_a_reason_from_the_list(world, reason):
    wish = submitted(world)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(
            wish=wish, to=S.NOT_ACCEPTED, by=world.agent, reason=reason, note="Sorry."
        )
    assert _snapshot(wish) == before


def test_another_reason_needs_an_explanation(world):
    wish = submitted(world)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(wish=wish, to=S.NOT_ACCEPTED, by=world.agent, reason="other")
    assert _snapshot(wish) == before
    services.wish_move(
        wish=wish,
        to=S.NOT_ACCEPTED,
        by=world.agent,
        reason=RefusalReason.OTHER,
        note="Your contract ends in March; ask again with the new one.",
    )
    wish.refresh_from_db()
    assert wish.status == S.NOT_ACCEPTED
    assert wish.refusal_reason == RefusalReason.OTHER
    assert wish.decision_note.startswith("Your contract ends")


def test_planning_needs_a_target_date(world):
    wish = wish_in(world, S.APPROVED)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(wish=wish, to=S.PLANNED, by=world.agent)
    assert _snapshot(wish) == before


def test_planning_again_keeps_the_target_date_it_had(world):
    wish = wish_in(world, S.IN_PROGRESS)
    services.wish_move(wish=wish, to=S.PLANNED, by=world.agent, target_date=TARGET)
    services.wish_move(wish=wish, to=S.IN_PROGRESS, by=world.agent)
    services.wish_move(wish=wish, to=S.PLANNED, by=world.agent)  # back again, same date
    wish.refresh_from_db()
    assert (wish.status, wish.target_date) == (S.PLANNED, TARGET)


def test_approval_with_an_estimate_paid_from_the_bank(world):
    wish = submitted(world)
    services.wish_move(
        wish=wish,
        to=S.APPROVED,
        by=world.agent,
        estimate_hours=Decimal("12.5"),
        counts_against_bank=True,
    )
    wish.refresh_from_db()
    assert wish.estimate_hours == Decimal("12.5")
    assert wish.counts_against_bank is True


def test_a_negative_estimate_is_refused(world):
    wish = submitted(world)
    before = _snapshot(wish)
    with pytest.raises(ValidationError):
        services.wish_move(wish=wish, to=S.APPROVED, by=world.agent, estimate_hours=Decimal("-1"))
    assert _snapshot(wish) == before


def test_a_move_puts_the_card_last_in_its_column_unless_placed(world):
    first = wish_in(world, S.APPROVED, "First")
    second = wish_in(world, S.APPROVED, "Second")
    assert second.position > first.position
    third = submitted(world, "Third")
    services.wish_move(wish=third, to=S.APPROVED, by=world.agent, position=0.5)
    third.refresh_from_db()
    assert third.position == 0.5


def test_staff_reorder_a_column_without_an_event(world):
    wish = submitted(world)
    events = Event.objects.count()
    services.wish_reorder(wish=wish, by=world.agent, position=-3)
    wish.refresh_from_db()
    assert wish.position == -3
    assert Event.objects.count() == events
    with pytest.raises(ValidationError):
        services.wish_reorder(wish=wish, by=world.manager, position=7)
    wish.refresh_from_db()
    assert wish.position == -3


# Asking again for a refused wish


def test_a_refused_wish_is_copied_into_a_linked_draft_once(world):
    fibre = service_of(world.org)
    refused = wish_in(world, S.NOT_ACCEPTED, services=[fibre], value=Value.HIGH)

    copy = services.wish_resubmit_copy(wish=refused, by=world.member)

    assert copy.pk != refused.pk and copy.number != refused.number
    assert copy.status == S.DRAFT
    assert copy.resubmitted_from == refused
    assert refused.resubmitted_as == copy
    assert (copy.title, copy.description, copy.value) == (
        refused.title,
        refused.description,
        Value.HIGH,
    )
    assert list(copy.services.all()) == [fibre]
    with pytest.raises(ValidationError):
        services.wish_resubmit_copy(wish=refused, by=world.member)
    assert Wish.objects.filter(resubmitted_from=refused).count() == 1

    services.wish_submit(wish=copy, by=world.member)
    event = Event.objects.get(data__number=copy.number)
    assert event.verb == "wish_submitted"
    assert event.data["previous"] == refused.number


@pytest.mark.parametrize("status", [s for s in S.values if s != S.NOT_ACCEPTED])
def test_only_a_refused_wish_is_asked_for_again(world, status):
    wish = wish_in(world, status)
    with pytest.raises(ValidationError):
        services.wish_resubmit_copy(wish=wish, by=world.member)
    assert Wish.objects.count() == 1


def test_only_its_author_asks_again(world):
    refused = wish_in(world, S.NOT_ACCEPTED)
    with pytest.raises(ValidationError):
        services.wish_resubmit_copy(wish=refused, by=world.manager)
    assert Wish.objects.count() == 1


# Votes


def _votes(wish):
    wish.refresh_from_db()
    return wish.votes_count, WishVote.objects.filter(wish=wish).count()


def test_one_vote_per_person_and_it_can_be_taken_back(world):
    wish = submitted(world)
    assert services.wish_vote(wish=wish, user=world.other_member) is True
    assert services.wish_vote(wish=wish, user=world.other_member) is False
    assert services.wish_vote(wish=wish, user=world.manager) is True
    assert _votes(wish) == (2, 2)
    assert _events(wish, verb="wish_voted") == ["wish_voted", "wish_voted"]

    assert services.wish_vote(wish=wish, user=world.other_member, on=False) is True
    assert services.wish_vote(wish=wish, user=world.other_member, on=False) is False
    assert _votes(wish) == (1, 1)
    # Taking a vote back is no news.
    assert len(_events(wish, verb="wish_voted")) == 2


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_staff_do_not_vote(world, who):
    wish = submitted(world)
    with pytest.raises(ValidationError):
        services.wish_vote(wish=wish, user=getattr(world, who))
    assert _votes(wish) == (0, 0)


def test_a_draft_is_not_voted_for(world):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_vote(wish=wish, user=world.other_member)
    assert _votes(wish) == (0, 0)


def _at_once(count, work):
    """Run work(i) in `count` threads, each on its own connection, released together."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_person_voting_from_many_tabs_at_once_counts_once(world):
    wish = submitted(world)
    results = _at_once(
        8, lambda i: services.wish_vote(wish=Wish.objects.get(pk=wish.pk), user=world.other_member)
    )
    assert sorted(results) == [False] * 7 + [True]
    assert _votes(wish) == (1, 1)
    assert len(_events(wish, verb="wish_voted")) == 1


@pytest.mark.django_db(transaction=True)
def test_many_people_voting_at_once_are_all_counted():
    organisation = OrganisationFactory()
    author = member_of(organisation)
    voters = [member_of(organisation) for _ in range(8)]
    wish = services.wish_create(
        organisation=organisation, author=author, title="Reports", description="Monthly."
    )
    services.wish_submit(wish=wish, by=author)

    _at_once(
        len(voters),
        lambda i: services.wish_vote(wish=Wish.objects.get(pk=wish.pk), user=voters[i]),
    )

    assert _votes(wish) == (8, 8)


# Comments


def test_a_public_comment_is_counted_and_recorded(world):
    wish = submitted(world)
    comment = services.wish_comment(wish=wish, author=world.other_member, body=" Us too! ")
    services.wish_comment(wish=wish, author=world.agent, body="We are looking at it.")

    wish.refresh_from_db()
    assert comment.body == "Us too!" and not comment.is_internal
    assert wish.comments_count == 2
    events = Event.objects.filter(verb="wish_commented").order_by("pk")
    assert [e.actor for e in events] == [world.other_member, world.agent]
    assert all(e.visibility == Visibility.PUBLIC for e in events)
    assert events[0].target_id == str(comment.pk)
    assert events[0].data == {"number": wish.number, "subject": wish.title}


def test_an_internal_note_is_staff_only_and_not_counted(world):
    wish = submitted(world)
    note = services.wish_comment(
        wish=wish, author=world.agent, body="Their contract ends soon.", internal=True
    )
    wish.refresh_from_db()
    assert note.is_internal
    assert wish.comments_count == 0
    event = Event.objects.get(verb="wish_note_added")
    assert event.visibility == Visibility.INTERNAL
    assert event.target_id == str(note.pk)
    assert not Event.objects.filter(verb="wish_commented").exists()


@pytest.mark.parametrize("who", ["member", "manager", "partner"])
def test_clients_cannot_write_internal_notes(world, who):
    wish = submitted(world)
    with pytest.raises(ValidationError):
        services.wish_comment(wish=wish, author=getattr(world, who), body="Hi", internal=True)
    assert not WishComment.objects.exists()


@pytest.mark.parametrize("body", ["", "  \n"])
def test_an_empty_comment_is_refused(world, body):
    wish = submitted(world)
    with pytest.raises(ValidationError):
        services.wish_comment(wish=wish, author=world.member, body=body)
    wish.refresh_from_db()
    assert wish.comments_count == 0
    assert not WishComment.objects.exists()


def test_a_draft_takes_no_comments(world):
    wish = draft(world)
    with pytest.raises(ValidationError):
        services.wish_comment(wish=wish, author=world.member, body="Note to self")
    assert not WishComment.objects.exists()


# From a wish to a ticket


@pytest.mark.parametrize("status", states.ACCEPTED)
def test_an_accepted_wish_becomes_a_ticket_for_its_author(world, status):
    fibre = service_of(world.org)
    wish = wish_in(world, status, services=[fibre])

    ticket = services.wish_to_ticket(wish=wish, by=world.agent)

    assert ticket.organisation == world.org
    assert ticket.requester == world.member
    assert ticket.subject == f"{wish.number}: {wish.title}"
    assert ticket.description == wish.description
    assert list(ticket.services.all()) == [fibre]
    assert list(wish.tickets.all()) == [ticket]
    assert list(ticket.wishes.all()) == [wish]
    event = Event.objects.get(verb="wish_ticket_opened")
    assert event.data == {"number": wish.number, "subject": wish.title, "ticket": ticket.number}
    assert event.actor == world.agent


def test_a_ticket_with_its_own_subject(world):
    wish = wish_in(world, S.APPROVED)
    ticket = services.wish_to_ticket(
        wish=wish, by=world.agent, subject="Build the usage report", description="Step one."
    )
    assert (ticket.subject, ticket.description) == ("Build the usage report", "Step one.")


@pytest.mark.parametrize("status", [s for s in S.values if s not in states.ACCEPTED])
def test_a_wish_not_accepted_yet_does_not_become_a_ticket(world, status):
    from tickets.models import Ticket

    wish = wish_in(world, status)
    with pytest.raises(ValidationError):
        services.wish_to_ticket(wish=wish, by=world.agent)
    assert not Ticket.objects.exists()
    assert not Event.objects.filter(verb="wish_ticket_opened").exists()


def test_clients_do_not_open_tickets_from_wishes(world):
    from tickets.models import Ticket

    wish = wish_in(world, S.APPROVED)
    with pytest.raises(ValidationError):
        services.wish_to_ticket(wish=wish, by=world.manager)
    assert not Ticket.objects.exists()


# Muting


def test_muting_is_personal_and_records_nothing(world):
    wish = submitted(world)
    events = Event.objects.count()
    services.wish_mute(wish=wish, user=world.member, muted=True)
    services.wish_mute(wish=wish, user=world.member, muted=True)
    assert list(wish.mutes.values_list("user_id", flat=True)) == [world.member.pk]
    services.wish_mute(wish=wish, user=world.member, muted=False)
    assert not wish.mutes.exists()
    assert Event.objects.count() == events


# Numbering under concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_drafts_get_distinct_numbers():
    organisation = OrganisationFactory()
    author = member_of(organisation)

    numbers = _at_once(
        8,
        lambda i: (
            services.wish_create(
                organisation=organisation, author=author, title=f"Wish {i}", description="Text."
            ).number
        ),
    )

    assert len(set(numbers)) == 8
    sequence = sorted(int(NUMBER.match(n)[2]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 8))


def test_a_version_is_unique_per_number(world):
    from django.db import IntegrityError, transaction

    wish = submitted(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        WishVersion.objects.create(wish=wish, number=1, title="x", description="y")
