"""The client's wish pages: the board and list, writing, the workflow as clients live it."""

import pytest
from django.urls import reverse

from tests.wishes.factories import draft, service_of, submitted, wish_in
from wishes import services
from wishes.models import Wish, WishVersion
from wishes.states import RefusalReason, WishStatus

pytestmark = pytest.mark.django_db

BOARD = reverse("wishes:board")
LIST = reverse("wishes:list")
LIVE = reverse("wishes:board_live")
CREATE = reverse("wishes:create")


def _numbers(response) -> set[str]:
    import re

    return set(re.findall(r"WSH-\d{4}-\d{5}", response.content.decode()))


# The board ---------------------------------------------------------------------------


def test_the_board_shows_each_wish_in_its_column(client_for, world):
    planned = wish_in(world, WishStatus.PLANNED, "Planned one")
    review = wish_in(world, WishStatus.IN_REVIEW, "Reviewed one")
    response = client_for(world.member).get(BOARD)
    assert response.status_code == 200
    columns = {c["status"]: [w.number for w in c["wishes"]] for c in response.context["columns"]}
    assert columns[WishStatus.PLANNED] == [planned.number]
    assert columns[WishStatus.IN_REVIEW] == [review.number]
    body = response.content.decode()
    assert "Planned one" in body and "Reviewed one" in body
    # Not accepted is there, folded.
    assert '<details class="board__column board__column--closed">' in body


def test_who_sees_which_wish(client_for, world):
    shared = submitted(world, "Shared with all")
    private = submitted(world, "Only for managers", visible_to_organisation=False)
    mine = submitted(world, "Mine", author=world.other_member, visible_to_organisation=False)
    a_draft = draft(world, "Still a draft")
    elsewhere = submitted(world, "Elsewhere", organisation=world.other_org, author=world.outsider)
    assert _numbers(client_for(world.other_member).get(BOARD)) == {shared.number, mine.number}
    assert _numbers(client_for(world.member).get(BOARD)) == {
        shared.number,
        private.number,
        a_draft.number,
    }
    manager_sees = _numbers(client_for(world.manager).get(BOARD))
    assert manager_sees == {shared.number, private.number, mine.number}
    assert elsewhere.number not in _numbers(client_for(world.partner).get(BOARD))
    assert a_draft.number not in _numbers(client_for(world.partner).get(BOARD))


def test_filters_narrow_the_board_and_stay_in_the_links(client_for, world):
    fibre = service_of(world.org, "Fibre")
    high = submitted(world, "Faster uplink", value="high", services=[fibre])
    low = submitted(world, "Nicer invoices", value="low", author=world.other_member)
    client = client_for(world.manager)
    assert _numbers(client.get(BOARD, {"value": "high"})) == {high.number}
    assert _numbers(client.get(BOARD, {"service": fibre.pk})) == {high.number}
    assert _numbers(client.get(BOARD, {"q": "invoices"})) == {low.number}
    assert _numbers(client.get(BOARD, {"author": world.other_member.pk})) == {low.number}
    assert _numbers(client_for(world.member).get(BOARD, {"mine": "on"})) == {high.number}
    page = client.get(BOARD, {"value": "high"}).content.decode()
    assert f"{LIST}?value=high" in page
    assert "value=high&amp;v=" in page  # the live poll keeps the filter too
    assert _numbers(client.get(LIST, {"value": "high"})) == {high.number}


def test_a_bad_filter_changes_nothing_and_does_not_fail(client_for, world):
    wish = submitted(world)
    response = client_for(world.manager).get(BOARD, {"service": "x²", "value": "huge"})
    assert response.status_code == 200
    assert wish.number in _numbers(response)


def test_the_live_board_answers_204_until_a_card_moves(client_for, world):
    wish = submitted(world)
    client = client_for(world.member)
    version = client.get(BOARD).context["version"]
    assert client.get(LIVE, {"v": version}).status_code == 204
    services.wish_move(wish=wish, to=WishStatus.IN_REVIEW, by=world.agent)
    moved = client.get(LIVE, {"v": version})
    assert moved.status_code == 200
    assert 'id="wish-board"' in moved.content.decode()
    assert "<html" not in moved.content.decode()
    listed = client.get(LIVE, {"v": version, "view": "list"})
    assert 'id="wish-results"' in listed.content.decode()


def test_the_boards_queries_do_not_grow_with_the_wishes(
    client_for, world, django_assert_max_num_queries
):
    submitted(world, "First")
    client = client_for(world.manager)
    with django_assert_max_num_queries(30) as few:
        client.get(BOARD)
    for index in range(12):
        wish_in(
            world,
            (WishStatus.PLANNED, WishStatus.DONE, WishStatus.IN_REVIEW)[index % 3],
            f"W{index}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BOARD)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


# Writing -------------------------------------------------------------------------------


def _form(**overrides):
    return {
        "title": "Traffic report",
        "description": "Monthly, per site.",
        "value": "medium",
        **overrides,
    }


def test_a_client_saves_a_draft_then_submits_it(client_for, world):
    client = client_for(world.member)
    response = client.post(CREATE, _form(save="1", visible_to_organisation="on"))
    wish = Wish.objects.get()
    assert response.status_code == 302 and response["Location"] == wish.get_absolute_url()
    assert wish.status == WishStatus.DRAFT and wish.visible_to_organisation
    assert client.post(reverse("wishes:submit", args=[wish.number])).status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.SUBMITTED
    assert WishVersion.objects.filter(wish=wish).count() == 1


def test_submitting_from_the_form_sends_it_at_once(client_for, world):
    client_for(world.member).post(CREATE, _form(submit="1"))
    assert Wish.objects.get().status == WishStatus.SUBMITTED


def test_bad_input_is_refused_in_the_readers_language_and_changes_nothing(client_for, world):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    response = client.post(CREATE, _form(title="", value="enormous"))
    assert response.status_code == 400
    assert Wish.objects.count() == 0
    body = response.content.decode()
    assert "Este campo es obligatorio." in body
    service_of(world.org, "Ours")
    other = service_of(world.other_org, "Not ours")
    assert client.post(CREATE, _form(services=[other.pk])).status_code == 400
    assert Wish.objects.count() == 0


def test_a_secret_is_warned_about_once(client_for, world):
    client = client_for(world.member)
    text = "Our router password: Hunter2Hunter2! and the key AKIAIOSFODNN7EXAMPLE"
    response = client.post(CREATE, _form(description=text, submit="1"))
    assert response.status_code == 400 and Wish.objects.count() == 0
    assert "Anyone who can see the wish will read it." in response.content.decode()
    assert (
        client.post(CREATE, _form(description=text, submit="1", send_anyway="on")).status_code
        == 302
    )


def test_changes_requested_edit_and_resubmit_keep_both_versions(client_for, world):
    wish = wish_in(world, WishStatus.CHANGES_REQUESTED, "Report of usage")
    client = client_for(world.member)
    page = client.get(wish.get_absolute_url()).content.decode()
    assert "Which sites should the report cover?" in page
    edit = reverse("wishes:edit", args=[wish.number])
    response = client.post(
        edit,
        _form(
            title="Report of usage per site", description="Monthly, for the 3 sites.", submit="1"
        ),
    )
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.SUBMITTED
    versions = client.get(reverse("wishes:versions", args=[wish.number])).content.decode()
    assert "<ins>" in versions and "<del>" in versions
    assert "per site" in versions


def test_only_the_author_edits_and_only_while_editable(client_for, world):
    wish = wish_in(world, WishStatus.IN_REVIEW)
    edit = reverse("wishes:edit", args=[wish.number])
    assert client_for(world.member).get(edit).status_code == 404
    changes = wish_in(world, WishStatus.CHANGES_REQUESTED)
    assert (
        client_for(world.manager).get(reverse("wishes:edit", args=[changes.number])).status_code
        == 404
    )


def test_a_refused_wish_shows_its_reason_in_the_readers_language_and_can_be_asked_again(
    client_for, world
):
    wish = wish_in(world, WishStatus.NOT_ACCEPTED)
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    page = client.get(wish.get_absolute_url()).content.decode()
    assert wish.refusal_reason == RefusalReason.COST
    assert "El coste supera el beneficio" in page
    response = client.post(reverse("wishes:resubmit", args=[wish.number]))
    copy = Wish.objects.get(resubmitted_from=wish)
    assert response["Location"] == reverse("wishes:edit", args=[copy.number])
    assert copy.status == WishStatus.DRAFT
    assert copy.number in client.get(wish.get_absolute_url()).content.decode()


# Votes, comments, tickets ---------------------------------------------------------------


def test_votes_one_per_person_and_managers_see_who(client_for, world):
    wish = submitted(world)
    vote = reverse("wishes:vote", args=[wish.number])
    member = client_for(world.other_member)
    response = member.post(vote, {"vote": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Take back my vote" in response.content.decode()
    member.post(vote, {"vote": "1"})
    wish.refresh_from_db()
    assert wish.votes_count == 1
    name = world.other_member.display_name
    # The same test client signs in as each of them in turn.
    member_page = client_for(world.member).get(wish.get_absolute_url()).content.decode()
    assert "Who voted" not in member_page
    manager_page = client_for(world.manager).get(wish.get_absolute_url()).content.decode()
    assert "Who voted" in manager_page and name in manager_page.split("Who voted")[1]
    member = client_for(world.other_member)
    member.post(vote, {"vote": "0"})
    wish.refresh_from_db()
    assert wish.votes_count == 0


def test_internal_notes_never_reach_the_client(client_for, world):
    wish = submitted(world)
    services.wish_comment(wish=wish, author=world.agent, body="zebra-internal-note", internal=True)
    services.wish_comment(wish=wish, author=world.agent, body="Public answer")
    for user in (world.member, world.manager, world.partner):
        client = client_for(user)
        for url in (wish.get_absolute_url(), BOARD, LIST, reverse("activity:feed")):
            body = client.get(url).content.decode()
            assert "zebra-internal-note" not in body
    assert "Public answer" in client_for(world.member).get(wish.get_absolute_url()).content.decode()


def test_a_comment_is_added_and_an_empty_one_refused(client_for, world):
    wish = submitted(world)
    client = client_for(world.manager)
    url = reverse("wishes:comment", args=[wish.number])
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "When could this be ready?"})
    assert response.status_code == 302 and "#comment-" in response["Location"]
    wish.refresh_from_db()
    assert wish.comments_count == 1


def test_the_client_sees_the_tickets_made_from_the_wish(client_for, world):
    wish = wish_in(world, WishStatus.APPROVED)
    ticket = services.wish_to_ticket(wish=wish, by=world.agent)
    page = client_for(world.member).get(wish.get_absolute_url()).content.decode()
    assert ticket.number in page
    assert ticket.get_absolute_url() in page


def test_staff_use_the_admin_not_the_portal(client_for, world):
    wish = submitted(world)
    client = client_for(world.agent)
    assert client.get(BOARD).status_code == 404
    assert client.get(wish.get_absolute_url()).status_code == 404


def test_the_dashboard_says_what_waits_on_the_reader(client_for, world):
    asked = wish_in(world, WishStatus.CHANGES_REQUESTED, "Needs my answer")
    wish_in(world, WishStatus.PLANNED, "Under way")
    page = client_for(world.member).get(reverse("portal:dashboard")).content.decode()
    assert "Support asked you to change 1 wish." in page
    assert asked.number in page
    colleague = client_for(world.other_member).get(reverse("portal:dashboard")).content.decode()
    assert "Support asked you to change" not in colleague
    assert "2 wishes under way" in colleague
