"""Who hears of what happens to a wish, on which channel, and in which words.

A wish's events concern its author and those who voted for it (wishes/plugin.py,
Subject.people); the supervisors hear of new and resubmitted wishes and of
clients' comments, since nobody owns a wish. Changes asked of the author and the
outcome are loud (e-mail by default), the rest stays in the portal; a vote only
shows in the feed; an internal note never reaches a client.
"""

import email
import email.policy

import pytest
from django.utils import translation

from accounts.access import load_access
from activity import feed
from activity.models import Event
from activity.tasks import _dispatch
from notifications.channels.email import EmailChannel
from notifications.fanout import recipients
from notifications.models import DeliveryStatus, Notification, Preference
from notifications.render import render
from tests.e2e.worker import wait_until
from tests.wishes.factories import TARGET, submitted, wish_in
from wishes import services
from wishes.states import RefusalReason, WishStatus

pytestmark = pytest.mark.django_db

S = WishStatus
TITLE = "Informe mensual del uso del enlace"
NOTE = "¿Qué sedes debe incluir el informe?"
SECRET = "Contrato vence en marzo: no prometer nada (nota 7f3a)"


@pytest.fixture
def dispatch():
    """Run the event handlers for every event not dispatched yet, as the worker would."""

    def run():
        ids = list(
            Event.objects.filter(dispatched_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            _dispatch(pk)
        return ids

    return run


@pytest.fixture
def voted(world, dispatch):
    """world.member's submitted wish, which world.other_member voted for; dispatched."""
    wish = submitted(world, TITLE)
    services.wish_vote(wish=wish, user=world.other_member)
    dispatch()
    return wish


def _names(world, users):
    return {
        name
        for name in ("manager", "member", "other_member", "partner", "agent", "supervisor")
        if getattr(world, name) in users
    }


def _rows(world, event):
    by_email = {
        getattr(world, name).email: name
        for name in ("manager", "member", "other_member", "partner", "agent", "supervisor")
    }
    return {
        (by_email.get(address, address), channel)
        for address, channel in Notification.objects.filter(event=event).values_list(
            "user__email", "channel"
        )
    }


def _latest(verb):
    return Event.objects.filter(verb=verb).latest("pk")


# Who hears, per verb


def test_a_new_wish_reaches_the_supervisors_loudly_and_nobody_else(world, dispatch):
    wish = submitted(world, TITLE)
    dispatch()
    event = _latest("wish_submitted")
    assert event.data["number"] == wish.number
    assert _rows(world, event) == {("supervisor", "portal"), ("supervisor", "email")}


def test_a_resubmitted_wish_reaches_the_supervisors_and_the_voters(world, voted, dispatch):
    services.wish_move(wish=voted, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)
    services.wish_update(wish=voted, by=world.member, description="Santiago y Valparaíso.")
    services.wish_submit(wish=voted, by=world.member)
    dispatch()
    assert _rows(world, _latest("wish_resubmitted")) == {
        ("supervisor", "portal"),
        ("supervisor", "email"),
        ("other_member", "portal"),  # progress is quiet for clients
    }


# (verb, how to get there from a submitted wish, loud for clients)
PROGRESS = [
    ("wish_review_started", [(S.IN_REVIEW, {})], False),
    ("wish_changes_requested", [(S.CHANGES_REQUESTED, {"note": NOTE})], True),
    ("wish_approved", [(S.APPROVED, {})], False),
    ("wish_planned", [(S.APPROVED, {}), (S.PLANNED, {"target_date": TARGET})], False),
    ("wish_started", [(S.APPROVED, {}), (S.IN_PROGRESS, {})], False),
    (
        "wish_replanned",
        [(S.APPROVED, {}), (S.PLANNED, {"target_date": TARGET}), (S.APPROVED, {})],
        False,
    ),
    ("wish_done", [(S.APPROVED, {}), (S.IN_PROGRESS, {}), (S.DONE, {})], True),
    ("wish_not_accepted", [(S.NOT_ACCEPTED, {"reason": RefusalReason.COST})], True),
]


@pytest.mark.parametrize(("verb", "moves", "loud"), PROGRESS)
def test_a_staff_decision_reaches_the_author_and_the_voters(
    world, voted, dispatch, verb, moves, loud
):
    for to, carried in moves:
        services.wish_move(wish=voted, to=to, by=world.agent, **carried)
    dispatch()
    event = _latest(verb)

    # Not the agent who acted, not the supervisors (no new work for them), not the
    # manager, who reads it in the feed.
    assert _names(world, recipients(event)) == {"member", "other_member"}
    channels = {"portal", "email"} if loud else {"portal"}
    assert _rows(world, event) == {
        (name, channel) for name in ("member", "other_member") for channel in channels
    }


def test_a_ticket_from_a_wish_is_progress_for_author_and_voters(world, dispatch):
    wish = wish_in(world, S.APPROVED, TITLE)
    services.wish_vote(wish=wish, user=world.manager)
    services.wish_to_ticket(wish=wish, by=world.agent)
    dispatch()
    assert _rows(world, _latest("wish_ticket_opened")) == {
        ("member", "portal"),
        ("manager", "portal"),
    }


def test_a_clients_comment_reaches_the_author_voters_and_supervisors(world, voted, dispatch):
    services.wish_comment(wish=voted, author=world.other_member, body="¡Nosotros también!")
    dispatch()
    assert _rows(world, _latest("wish_commented")) == {
        ("member", "portal"),
        ("supervisor", "portal"),
        ("supervisor", "email"),
    }


def test_a_staff_comment_reaches_the_author_and_voters_only(world, voted, dispatch):
    services.wish_comment(wish=voted, author=world.agent, body="Lo estamos revisando.")
    dispatch()
    assert _rows(world, _latest("wish_commented")) == {
        ("member", "portal"),
        ("other_member", "portal"),
    }


def test_a_vote_notifies_nobody_and_shows_in_the_feed(world, voted):
    event = _latest("wish_voted")
    assert event.actor == world.other_member
    assert recipients(event) == []
    assert not Notification.objects.filter(event=event).exists()
    for name in ("member", "manager", "other_member"):
        user = getattr(world, name)
        shown = feed.feed_for(user, load_access(user, None), world.org)
        assert shown.filter(pk=event.pk).exists(), name


def test_an_internal_note_never_reaches_a_client(world, voted, dispatch):
    services.wish_comment(wish=voted, author=world.agent, body=SECRET, internal=True)
    dispatch()
    event = _latest("wish_note_added")
    assert event.is_internal
    assert not any(not user.is_staff for user in recipients(event))
    assert not Notification.objects.filter(event=event, user__is_staff=False).exists()
    for name in ("member", "other_member", "manager", "partner"):
        user = getattr(world, name)
        shown = feed.feed_for(user, load_access(user, None), world.org)
        assert not shown.filter(verb="wish_note_added").exists(), name
        assert SECRET not in str(list(shown.values_list("data", flat=True)))
    assert SECRET not in str(event.data)


def test_a_private_wishs_events_stay_out_of_colleagues_feeds(world, dispatch):
    wish = submitted(world, TITLE, visible_to_organisation=False)
    services.wish_move(wish=wish, to=S.APPROVED, by=world.agent)
    approved = _latest("wish_approved")

    def shown(user):
        return feed.feed_for(user, load_access(user, None), world.org).filter(pk=approved.pk)

    assert shown(world.member).exists()
    assert shown(world.manager).exists()
    assert not shown(world.other_member).exists()


def test_the_muted_and_those_who_left_hear_nothing(world, voted, dispatch):
    services.wish_mute(wish=voted, user=world.member, muted=True)
    world.other_member.memberships.update(is_active=False)
    services.wish_move(wish=voted, to=S.APPROVED, by=world.agent)
    dispatch()
    assert recipients(_latest("wish_approved")) == []


def test_the_author_may_turn_the_changes_e_mail_off(world, voted, dispatch):
    Preference.objects.create(
        user=world.member, kind="wish_changes", channel="email", enabled=False
    )
    services.wish_move(wish=voted, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)
    dispatch()
    assert _rows(world, _latest("wish_changes_requested")) == {
        ("member", "portal"),
        ("other_member", "portal"),
        ("other_member", "email"),
    }


# The e-mail, in the reader's language


def _wire(event, user):
    row = Notification.objects.get(event=event, user=user, channel="email")
    built = EmailChannel().build(row, render(event, user))
    return email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)


def _text(parsed):
    return parsed.get_body(preferencelist=("plain",)).get_content()


def test_the_changes_e_mail_speaks_the_authors_language(world, voted, dispatch):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    services.wish_move(wish=voted, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)
    dispatch()
    event = _latest("wish_changes_requested")

    parsed = _wire(event, world.member)

    with translation.override("es"):
        action = translation.pgettext("e-mail subject", "Changes requested")
        headline = translation.gettext("%(actor)s asked for changes to %(number)s") % {
            "actor": "Ana Agent",
            "number": voted.number,
        }
    text = _text(parsed)
    assert parsed["To"] == world.member.email
    assert parsed["Subject"].strip() == f"[{voted.number}] {action}: {TITLE}"
    assert text.startswith("Hola, Diego:")
    assert headline in text
    assert f"http://testserver/wishes/{voted.number}/" in text


def test_the_refusal_e_mail_gives_the_reason_in_the_readers_words(world, voted, dispatch):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    services.wish_move(wish=voted, to=S.NOT_ACCEPTED, by=world.agent, reason=RefusalReason.COST)
    dispatch()

    text = _text(_wire(_latest("wish_not_accepted"), world.member))

    with translation.override("es"):
        reason = str(RefusalReason.COST.label)
    assert reason in text
    assert "cost\n" not in text and ": cost" not in text  # never the stored key


# With a real worker


@pytest.mark.e2e
def test_a_worker_e_mails_the_changes_asked_of_the_author(start_worker, world):
    from bench.fake_smtp import FakeSMTP

    world.member.language = "es"
    world.member.save(update_fields=["language"])
    with FakeSMTP() as smtp:
        worker = start_worker(EMAIL_URL=smtp.url)
        wish = submitted(world, TITLE)
        smtp.wait_for(1, timeout=20)  # the supervisor's, about the new wish

        services.wish_move(wish=wish, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)

        # Generous waits: the machine may be busy, and the worker's queue may hold
        # what earlier tests left in it before this test's messages.
        event = _latest("wish_changes_requested")
        assert wait_until(lambda: smtp.to(world.member.email), timeout=40), (
            list(Notification.objects.filter(event=event).values("channel", "status")),
            worker.output,
        )
        row = Notification.objects.get(event=event, user=world.member, channel="email")
        assert wait_until(
            lambda: Notification.objects.get(pk=row.pk).status == DeliveryStatus.SENT, timeout=20
        ), worker.output
        [received] = smtp.to(world.member.email)
        with translation.override("es"):
            action = translation.pgettext("e-mail subject", "Changes requested")
        assert received["Subject"].strip() == f"[{wish.number}] {action}: {TITLE}"
        assert received["Message-ID"] == f"<notification-{row.pk}.{event.pk}@testserver>"
        assert received.text.startswith("Hola, Diego:")
        assert f"http://testserver/wishes/{wish.number}/" in received.text
        assert Notification.objects.filter(event=event, channel="portal").count() == 1
        assert Event.objects.get(pk=event.pk).dispatched_at is not None


# What a decision tells the client


def test_the_changes_e_mail_quotes_what_to_change(world, voted, dispatch):
    services.wish_move(wish=voted, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)
    dispatch()
    text = _text(_wire(_latest("wish_changes_requested"), world.member))
    assert NOTE in text
    assert "What to change" in text


def test_the_refusal_e_mail_gives_the_reason_and_the_explanation(world, voted, dispatch):
    services.wish_move(
        wish=voted,
        to=S.NOT_ACCEPTED,
        by=world.agent,
        reason=RefusalReason.OTHER,
        note="Your contract does not cover reports.",
    )
    dispatch()
    text = _text(_wire(_latest("wish_not_accepted"), world.member))
    assert str(RefusalReason.OTHER.label) in text
    assert "Your contract does not cover reports." in text


def test_a_resubmission_answers_the_request_for_changes(world, voted):
    services.wish_move(wish=voted, to=S.CHANGES_REQUESTED, by=world.agent, note=NOTE)
    services.wish_update(wish=voted, by=world.member, description="Santiago y Valparaíso.")
    wish = services.wish_submit(wish=voted, by=world.member)
    wish.refresh_from_db()
    assert wish.decision_note == ""


def test_an_internal_note_reaches_the_supervisors_and_no_client(world, voted, dispatch):
    services.wish_comment(wish=voted, author=world.agent, body="Check the cost", internal=True)
    dispatch()
    assert _names(world, recipients(_latest("wish_note_added"))) == {"supervisor"}


def test_nobody_votes_for_or_comments_on_a_wish_out_of_their_reach(world, voted):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.wish_vote(wish=voted, user=world.outsider)
    with pytest.raises(ValidationError):
        services.wish_comment(wish=voted, author=world.outsider, body="Hello")
    voted.refresh_from_db()
    assert voted.comments_count == 0
