"""The staff's wish admin: the review queue, the wish page's decisions, comments and tickets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activity.models import Event, Visibility
from contracts.models import BankKind
from core.uploads import CleanUpload
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.wishes.factories import draft, service_of, submitted, wish_in
from tickets import parts
from tickets.models import Ticket
from wishes import services
from wishes.admin.ticket_part import WishOrigin
from wishes.models import Wish, WishComment
from wishes.states import RefusalReason, Value, WishStatus

S = WishStatus
QUEUE = reverse("admin:wishes_wish_changelist")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def change_url(wish):
    return reverse("admin:wishes_wish_change", args=[wish.pk])


def listed(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [wish.number for wish in response.context["cl"].result_list]


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(wish, **filters):
    return list(
        Event.objects.filter(data__number=wish.number, **filters)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def snapshot(wish):
    wish.refresh_from_db()
    return (
        wish.status,
        wish.decision_note,
        wish.refusal_reason,
        wish.estimate_hours,
        wish.counts_against_bank,
        wish.target_date,
        wish.comments.count(),
        Event.objects.filter(data__number=wish.number).count(),
    )


def decide(client, wish, **fields):
    """POST the wish page as staff would: only `fields` filled in, the page as it was shown."""
    data = {
        "move_to": "",
        "client_note": "",
        "reason": "",
        "estimate": "" if wish.estimate_hours is None else str(wish.estimate_hours),
        "paid_from_bank": "on" if wish.counts_against_bank else "",
        "plan_date": wish.target_date.isoformat() if wish.target_date else "",
        "seen_status": wish.status,
        "comment": "",
        "internal_note": "",
        "_continue": "Save",
    }
    data.update(fields)
    if not data["paid_from_bank"]:
        del data["paid_from_bank"]
    return client.post(change_url(wish), data)


# --- The review queue -----------------------------------------------------------


def test_the_queue_never_shows_drafts_and_hides_finished_wishes_unless_asked(client_for, world):
    waiting = submitted(world, "Waiting")
    done = wish_in(world, S.DONE, "Finished")
    refused = wish_in(world, S.NOT_ACCEPTED, "Refused")
    secret = draft(world, "Still a draft")
    client = client_for(world.agent)

    assert listed(client) == [waiting.number]
    everything = listed(client, status="all")
    assert set(everything) == {waiting.number, done.number, refused.number}
    assert secret.number not in everything
    assert listed(client, status="draft") == []
    assert listed(client, status=S.DONE) == [done.number]
    # A search looks through every status (drafts still excepted).
    assert listed(client, q="Refused") == [refused.number]
    assert listed(client, q="Still a draft") == []


def test_the_queue_filters_by_status_organisation_service_value_and_age(client_for, world):
    fibre = service_of(world.org, "Fibre")
    review = wish_in(world, S.IN_REVIEW, "In review", value=Value.HIGH, services=[fibre])
    fresh = submitted(world, "Fresh", value=Value.LOW)
    elsewhere = submitted(world, "Elsewhere", organisation=world.other_org, author=world.outsider)
    old = submitted(world, "Old", value=Value.HIGH)
    Wish.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=40))
    client = client_for(world.agent)

    assert listed(client, status=S.IN_REVIEW) == [review.number]
    assert set(listed(client, status="to_decide")) == {
        review.number,
        fresh.number,
        elsewhere.number,
        old.number,
    }
    assert listed(client, organisation__id__exact=world.other_org.pk) == [elsewhere.number]
    assert listed(client, services__id__exact=fibre.pk) == [review.number]
    assert set(listed(client, value__exact=Value.HIGH)) == {review.number, old.number}
    assert listed(client, age="30") == [old.number]
    assert set(listed(client, age="7")) == {old.number}
    assert len(listed(client, age="not a number")) == 4


def test_the_queue_searches_number_title_description_and_organisation(client_for, world):
    mine = submitted(world, "Weekly backups report", description="Send it every Monday.")
    theirs = submitted(
        world,
        "Another thing",
        organisation=world.other_org,
        author=world.outsider,
        description="Nothing to see.",
    )
    client = client_for(world.agent)

    assert listed(client, q=mine.number) == [mine.number]
    assert listed(client, q="backups") == [mine.number]
    assert listed(client, q="Monday") == [mine.number]
    assert listed(client, q="Other Co") == [theirs.number]
    assert listed(client, q="Andes") == [mine.number]


def test_the_queue_shows_the_columns_staff_triage_with(client_for, world):
    wish = wish_in(world, S.PLANNED, "Planned one")
    Wish.objects.filter(pk=wish.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=9))
    services.wish_vote(wish=wish, user=world.other_member)
    services.wish_comment(wish=wish, author=world.member, body="Any news?")
    services.wish_comment(wish=wish, author=world.agent, body="Internal only", internal=True)
    client = client_for(world.agent)

    response = client.get(QUEUE)
    html = response.content.decode()
    row = html[html.index(wish.number) :]
    assert "Andes Fibra" in row
    assert 'wish-label--planned">Planned' in row
    assert "1\xa0week" in row  # in this status for
    assert 'class="field-votes">1<' in row
    assert 'class="field-comments">1<' in row  # the internal note is not counted
    assert "30 Sep 2026" in row  # the target date
    assert reverse("admin:wishes_wish_board") in html


def test_a_bulk_action_moves_each_wish_and_says_which_were_refused_and_why(client_for, world):
    first = submitted(world, "First")
    second = wish_in(world, S.IN_REVIEW, "Second")
    finished = wish_in(world, S.DONE, "Finished")
    client = client_for(world.agent)

    response = client.post(
        QUEUE + "?status=all",
        {"action": "approve", ACTION_CHECKBOX_NAME: [first.pk, second.pk, finished.pk]},
        follow=True,
    )

    assert response.status_code == 200
    for wish in (first, second):
        wish.refresh_from_db()
        assert wish.status == S.APPROVED
        assert events(wish)[-1] == "wish_approved"
    finished.refresh_from_db()
    assert finished.status == S.DONE
    assert events(finished)[-1] == "wish_done"
    said = texts(response)
    assert f"2 wishes moved to approved: {first.number}, {second.number}." in said
    refusal = next(text for text in said if "not moved" in text)
    assert "1 wish not moved (A wish that is done cannot be moved to approved)" in refusal
    assert finished.number in refusal and change_url(finished) in refusal


def test_bulk_moves_follow_the_workflow(client_for, world):
    wishes = [submitted(world, f"Wish {n}") for n in range(3)]
    client = client_for(world.agent)
    selected = {ACTION_CHECKBOX_NAME: [w.pk for w in wishes]}

    for action, status in [
        ("start_review", S.IN_REVIEW),
        ("approve", S.APPROVED),
        ("start_work", S.IN_PROGRESS),
        ("finish", S.DONE),
    ]:
        client.post(QUEUE + "?status=all", {"action": action, **selected})
        assert set(Wish.objects.values_list("status", flat=True)) == {status}
    assert events(wishes[0]) == [
        "wish_submitted",
        "wish_review_started",
        "wish_approved",
        "wish_started",
        "wish_done",
    ]


def test_wishes_are_neither_added_nor_deleted_in_the_admin(client_for, world):
    wish = submitted(world)
    client = client_for(world.supervisor)

    assert client.get(reverse("admin:wishes_wish_add")).status_code == 403
    assert client.get(reverse("admin:wishes_wish_delete", args=[wish.pk])).status_code == 403
    response = client.get(QUEUE)
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"start_review", "approve", "start_work", "finish", "open_tickets"} <= set(actions)
    assert Wish.objects.filter(pk=wish.pk).exists()


# --- The wish page -----------------------------------------------------------------


def test_the_wish_page_shows_what_staff_need_to_decide(client_for, world):
    fibre = service_of(world.org, "Fibre 1 Gbps")
    upload = CleanUpload(name="usage.pdf", content_type="application/pdf", data=PDF)
    wish = draft(world, "Usage report", services=[fibre], attachments=[upload])
    services.wish_submit(wish=wish, by=world.member)
    services.wish_move(wish=wish, to=S.CHANGES_REQUESTED, by=world.agent, note="Which sites?")
    services.wish_update(wish=wish, by=world.member, title="Usage report for all sites")
    services.wish_submit(wish=wish, by=world.member)
    services.wish_vote(wish=wish, user=world.manager)
    client = client_for(world.agent)

    response = client.get(change_url(wish))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Usage report for all sites" in html
    assert reverse("admin:accounts_user_change", args=[world.member.pk]) in html
    assert world.member.email in html
    assert "Fibre 1 Gbps" in html
    assert "Version 2, sent by Diego" in html and "Version 1, sent by Diego" in html
    assert "1: " in html and reverse("admin:accounts_user_change", args=[world.manager.pk]) in html
    attachment = wish.attachments.get()
    download = reverse("admin:wishes_wish_attachment", args=[wish.pk, attachment.pk])
    assert download in html
    assert client.get(download).getvalue() == PDF
    assert "asked for changes to" in html  # the history
    # The decision offers only the moves states.py gives staff from "submitted".
    offered = [
        value
        for value, _label in response.context["adminform"].form["move_to"].field.widget.choices
    ]
    assert offered == ["", S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.NOT_ACCEPTED]


def test_the_wish_page_links_resubmissions_both_ways(client_for, world):
    refused = wish_in(world, S.NOT_ACCEPTED, "Refused once")
    again = services.wish_resubmit_copy(wish=refused, by=world.member)
    services.wish_submit(wish=again, by=world.member)
    client = client_for(world.agent)

    assert change_url(again) in client.get(change_url(refused)).content.decode()
    assert change_url(refused) in client.get(change_url(again)).content.decode()


def test_a_draft_has_no_admin_page(client_for, world):
    wish = draft(world)
    response = client_for(world.supervisor).get(change_url(wish))
    assert response.status_code == 302  # the admin's "does not exist" back to the index


ALLOWED = [
    (S.SUBMITTED, S.IN_REVIEW, {}, "wish_review_started"),
    (S.SUBMITTED, S.APPROVED, {}, "wish_approved"),
    (S.IN_REVIEW, S.CHANGES_REQUESTED, {"client_note": "Which sites?"}, "wish_changes_requested"),
    (
        S.IN_REVIEW,
        S.NOT_ACCEPTED,
        {"reason": RefusalReason.COST, "client_note": "Too costly."},
        "wish_not_accepted",
    ),
    (S.APPROVED, S.PLANNED, {"plan_date": "2026-10-15"}, "wish_planned"),
    (S.APPROVED, S.IN_PROGRESS, {}, "wish_started"),
    (S.PLANNED, S.APPROVED, {}, "wish_replanned"),
    (S.IN_PROGRESS, S.DONE, {}, "wish_done"),
]


@pytest.mark.parametrize(("start", "to", "carried", "verb"), ALLOWED)
def test_the_decide_form_moves_the_wish_through_the_service(
    client_for, world, start, to, carried, verb
):
    wish = wish_in(world, start)
    client = client_for(world.agent)

    response = decide(client, wish, move_to=to, **carried)

    assert response.status_code == 302, response.context["adminform"].form.errors
    wish.refresh_from_db()
    assert wish.status == to
    assert events(wish)[-1] == verb
    if "client_note" in carried:
        assert wish.decision_note == carried["client_note"]
    if "reason" in carried:
        assert wish.refusal_reason == carried["reason"]
    if "plan_date" in carried:
        assert wish.target_date == dt.date(2026, 10, 15)


REFUSED = [
    # Not a move staff may make at all.
    (S.SUBMITTED, S.DONE, {}, "A wish that is submitted cannot be moved to done."),
    (S.PLANNED, S.DONE, {}, "A wish that is planned cannot be moved to done."),
    (S.SUBMITTED, S.SUBMITTED, {}, "cannot be moved to submitted"),
    # A move without what it must carry.
    (S.IN_REVIEW, S.CHANGES_REQUESTED, {}, "Say what should change: the client reads it."),
    (S.IN_REVIEW, S.NOT_ACCEPTED, {}, "Choose why the wish is not accepted."),
    (
        S.IN_REVIEW,
        S.NOT_ACCEPTED,
        {"reason": RefusalReason.OTHER},
        "Explain the reason: the client reads it.",
    ),
    (S.APPROVED, S.PLANNED, {}, "Give the target date it is planned for."),
]


@pytest.mark.parametrize(("start", "to", "carried", "message"), REFUSED)
def test_a_refused_decision_is_a_form_error_and_saves_nothing(
    client_for, world, start, to, carried, message
):
    wish = wish_in(world, start)
    before = snapshot(wish)
    client = client_for(world.agent)

    # A comment and a note sent with it are not saved either: the whole page is one save.
    response = decide(
        client,
        wish,
        move_to=to,
        comment="We are on it.",
        internal_note="Check the cost.",
        **carried,
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any(message in error for error in form.errors.get("move_to", []))
    assert form["comment"].value() == "We are on it."  # what staff typed is kept
    assert snapshot(wish) == before


def test_a_decision_on_a_stale_page_is_not_applied(client_for, world):
    wish = submitted(world)
    client = client_for(world.agent)
    services.wish_move(wish=wish, to=S.IN_REVIEW, by=world.supervisor)
    before = snapshot(wish)

    # The page was shown while the wish was still submitted.
    response = decide(client, wish, move_to=S.APPROVED, seen_status=S.SUBMITTED)

    assert response.status_code == 200
    assert "Meanwhile this wish moved to in review" in str(
        response.context["adminform"].form.errors["move_to"]
    )
    assert snapshot(wish) == before


def test_an_estimate_and_a_target_date_are_given_on_approval(client_for, world):
    ContractFactory(organisation=world.org, start_date=dt.date(2020, 1, 1))
    wish = wish_in(world, S.IN_REVIEW)
    client = client_for(world.agent)

    response = decide(
        client,
        wish,
        move_to=S.APPROVED,
        estimate="12.5",
        paid_from_bank="on",
        plan_date="2026-11-30",
        client_note="We will do it in November.",
    )

    assert response.status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.estimate_hours, wish.counts_against_bank, wish.target_date) == (
        S.APPROVED,
        Decimal("12.50"),
        True,
        dt.date(2026, 11, 30),
    )
    assert wish.decision_note == "We will do it in November."
    page = client.get(change_url(wish)).content.decode()
    assert "paid from the hours bank" in page
    assert "Soporte 2026" in page  # the contract whose bank pays it


def test_the_hours_bank_needs_a_contract_with_one(client_for, world):
    ContractFactory(organisation=world.org, no_bank=True, start_date=dt.date(2020, 1, 1))
    wish = wish_in(world, S.IN_REVIEW)
    before = snapshot(wish)
    client = client_for(world.agent)

    response = decide(client, wish, move_to=S.APPROVED, estimate="4", paid_from_bank="on")

    assert response.status_code == 200
    assert "Andes Fibra has no hours bank in a current contract." in str(
        response.context["adminform"].form.errors["paid_from_bank"]
    )
    assert snapshot(wish) == before
    assert world.org.contracts.get().bank_kind == BankKind.NONE


def test_an_estimate_without_a_decision_is_refused(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    before = snapshot(wish)
    client = client_for(world.agent)

    response = decide(client, wish, estimate="3")

    assert response.status_code == 200
    assert "saved with a decision" in str(response.context["adminform"].form.errors["move_to"])
    assert snapshot(wish) == before


def test_a_reason_only_goes_with_a_refusal(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    before = snapshot(wish)

    response = decide(client_for(world.agent), wish, move_to=S.APPROVED, reason=RefusalReason.COST)

    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert snapshot(wish) == before


def test_a_comment_reaches_the_client_and_an_internal_note_never_does(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    client = client_for(world.agent)

    response = decide(
        client,
        wish,
        comment="We are looking at it.",
        internal_note="Costly: ask the network team first.",
    )

    assert response.status_code == 302
    public = WishComment.objects.get(wish=wish, is_internal=False)
    note = WishComment.objects.get(wish=wish, is_internal=True)
    assert public.body == "We are looking at it." and note.author == world.agent
    wish.refresh_from_db()
    assert wish.comments_count == 1  # the note is not counted for clients
    by_verb = {e.verb: e for e in Event.objects.filter(data__number=wish.number)}
    assert by_verb["wish_commented"].visibility == Visibility.PUBLIC
    assert by_verb["wish_note_added"].visibility == Visibility.INTERNAL
    # Nothing a client may read carries the note: not the feed, not its data.
    for client_user in (world.member, world.manager):
        seen = Event.objects.visible_to(client_user)
        assert not seen.filter(verb="wish_note_added").exists()
        assert "Costly" not in str(list(seen.values_list("data", flat=True)))
    # Staff read it in the thread, marked as internal.
    page = client.get(change_url(wish)).content.decode()
    thread = page[page.index('class="ticket-thread"') :]
    note_html = thread[thread.index(f'id="comment-{note.pk}"') :]
    assert "ticket-comment--internal" in thread[: thread.index(f'id="comment-{note.pk}"')][-200:]
    assert "Internal note" in note_html[:600]


def test_staff_attach_files_to_a_comment(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    client = client_for(world.agent)
    data = {
        "move_to": "",
        "seen_status": wish.status,
        "comment": "The mock-up.",
        "comment_files": SimpleUploadedFile("mockup.pdf", PDF, "application/pdf"),
        "_continue": "Save",
    }

    response = client.post(change_url(wish), data)

    assert response.status_code == 302
    comment = WishComment.objects.get(wish=wish)
    assert [a.name for a in comment.attachments.all()] == ["mockup.pdf"]


# --- Tickets from a wish ------------------------------------------------------------


@pytest.fixture
def ticket_page_part():
    """The part wishes.apps adds to the ticket page, for this test only if it is not there."""
    added = "wishes" not in parts._parts
    if added:
        parts.add(WishOrigin())
    yield
    if added:
        parts._parts.pop("wishes", None)


def test_a_wish_turns_into_a_ticket_linked_both_ways(client_for, world, ticket_page_part):
    fibre = service_of(world.org, "Fibre")
    wish = wish_in(world, S.APPROVED, "Usage report", services=[fibre])
    client = client_for(world.agent)
    url = reverse("admin:wishes_wish_ticket", args=[wish.pk])
    assert url in client.get(change_url(wish)).content.decode()

    form = client.get(url).context["form"]
    assert form["subject"].value() == f"{wish.number}: Usage report"
    response = client.post(
        url,
        {"subject": "Build the usage report", "description": "As asked.", "priority": "high"},
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == change_url(wish)
    assert (ticket.subject, ticket.priority, ticket.requester) == (
        "Build the usage report",
        "high",
        world.member,
    )
    assert list(ticket.services.all()) == [fibre]
    assert list(wish.tickets.all()) == [ticket] and list(ticket.wishes.all()) == [wish]
    ticket_admin = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert any(ticket_admin in text for text in texts(response))
    assert ticket_admin in response.content.decode()  # the wish lists its tickets
    assert events(wish)[-1] == "wish_ticket_opened"
    assert Event.objects.filter(verb="ticket_opened", data__number=ticket.number).exists()
    # The ticket links back to its wish.
    assert change_url(wish) in client.get(ticket_admin).content.decode()

    # A wish may become several tickets.
    client.post(url, {"subject": "Second part", "description": "More.", "priority": "low"})
    assert wish.tickets.count() == 2


def test_only_an_accepted_wish_becomes_a_ticket(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    client = client_for(world.agent)
    url = reverse("admin:wishes_wish_ticket", args=[wish.pk])
    assert url not in client.get(change_url(wish)).content.decode()

    response = client.post(url, {"subject": "S", "description": "D", "priority": "low"})

    assert response.status_code == 200
    assert "Approve the wish before turning it into work." in str(
        response.context["form"].non_field_errors()
    )
    assert not Ticket.objects.exists()
    assert events(wish)[-1] == "wish_review_started"


def test_the_queue_turns_several_wishes_into_tickets(client_for, world):
    approved = wish_in(world, S.APPROVED, "Approved")
    started = wish_in(world, S.IN_PROGRESS, "Started")
    waiting = submitted(world, "Waiting")
    client = client_for(world.agent)

    response = client.post(
        QUEUE,
        {"action": "open_tickets", ACTION_CHECKBOX_NAME: [approved.pk, started.pk, waiting.pk]},
        follow=True,
    )

    assert Ticket.objects.count() == 2
    assert approved.tickets.count() == 1 and started.tickets.count() == 1
    assert not waiting.tickets.exists()
    said = texts(response)
    assert any("2 tickets opened" in text for text in said)
    assert f"No ticket for {waiting.number}: Approve the wish before turning it into work." in said


# --- Permissions -----------------------------------------------------------------


@pytest.fixture
def viewer(world):
    """Staff who may read wishes but not change them."""
    user = UserFactory(email="viewer@support.test", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wishes", codename="view_wish")
    )
    return user


def test_staff_groups_get_the_wish_permissions(world):
    for user in (world.agent, world.supervisor):
        assert user.has_perm("wishes.view_wish") and user.has_perm("wishes.change_wish")
        assert user.has_perm("wishes.add_wishcomment")
        assert not user.has_perm("wishes.delete_wish")


def test_staff_who_may_only_read_cannot_decide_comment_or_open_tickets(client_for, world, viewer):
    wish = wish_in(world, S.APPROVED)
    before = snapshot(wish)
    client = client_for(viewer)

    page = client.get(change_url(wish))
    assert page.status_code == 200
    assert "move_to" not in page.context["adminform"].form.fields
    assert "comment" not in page.context["adminform"].form.fields
    assert reverse("admin:wishes_wish_ticket", args=[wish.pk]) not in page.content.decode()

    assert decide(client, wish, move_to=S.IN_PROGRESS, comment="Hi").status_code == 403
    url = reverse("admin:wishes_wish_ticket", args=[wish.pk])
    assert (
        client.post(url, {"subject": "S", "description": "D", "priority": "low"}).status_code == 403
    )
    response = client.post(
        QUEUE, {"action": "start_work", ACTION_CHECKBOX_NAME: [wish.pk]}, follow=True
    )
    assert response.status_code == 200
    assert snapshot(wish) == before
    assert not Ticket.objects.exists()


def test_clients_never_reach_the_wish_admin(client_for, world):
    wish = submitted(world)
    for user in (world.member, world.manager):
        response = client_for(user).get(change_url(wish))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_the_description_shows_as_paragraphs_with_its_markup_escaped(client, world):
    from tests.wishes.factories import submitted

    wish = submitted(world, description="First line <b>bold?</b>\n\nSecond paragraph")
    client.force_login(world.agent)
    body = client.get(reverse("admin:wishes_wish_change", args=[wish.pk])).content.decode()
    assert "<p>First line &lt;b&gt;bold?&lt;/b&gt;</p>" in body
    assert "&lt;p&gt;" not in body
