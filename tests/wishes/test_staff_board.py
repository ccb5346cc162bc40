"""The staff board (wishes/admin/board.py): columns across organisations, moves and order."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Event
from tests.factories import UserFactory
from tests.wishes.factories import service_of, submitted, wish_in
from wishes import services
from wishes.admin.board import COLUMN_LIMIT
from wishes.admin.common import position_between
from wishes.models import Wish
from wishes.states import BOARD, RefusalReason, Value, WishStatus

S = WishStatus
BOARD_URL = reverse("admin:wishes_wish_board")
JSON = {"HTTP_ACCEPT": "application/json"}


def move_url(wish):
    return reverse("admin:wishes_wish_move", args=[wish.pk])


def reorder_url(wish):
    return reverse("admin:wishes_wish_reorder", args=[wish.pk])


def column(response, status) -> list[str]:
    """The numbers of a column's cards, in the order the board shows them."""
    found = next(c for c in response.context["columns"] if c.status == status)
    return [card.wish.number for card in found.cards]


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def verbs(wish):
    return list(
        Event.objects.filter(data__number=wish.number).order_by("pk").values_list("verb", flat=True)
    )


# --- The board ---------------------------------------------------------------------


def test_the_board_shows_every_organisations_wishes_in_the_workflow_columns(client_for, world):
    ours = submitted(world, "Ours")
    theirs = wish_in(
        world, S.APPROVED, "Theirs", organisation=world.other_org, author=world.outsider
    )
    finished = wish_in(world, S.DONE, "Finished")
    client = client_for(world.agent)

    response = client.get(BOARD_URL)

    assert response.status_code == 200
    assert [c.status for c in response.context["columns"]] == BOARD
    assert column(response, S.SUBMITTED) == [ours.number]
    assert column(response, S.APPROVED) == [theirs.number]
    assert column(response, S.DONE) == [finished.number]
    html = response.content.decode()
    # Headings and lists: each column is a section named by its heading.
    for status in BOARD:
        assert f'<h2 class="wish-column__heading" id="wish-column-{status}">' in html
        assert f'<ol class="wish-column__cards" data-status="{status}"' in html
    assert "Other Co" in html and "Andes Fibra" in html
    # Each card says its number, title, organisation, value, votes and age, and can move.
    card = html[html.index(f'id="wish-{ours.pk}"') :]
    card = card[: card.index("</li>")]
    for expected in (ours.number, "Ours", "Andes Fibra", "Medium", "Votes", "In this column"):
        assert expected in card
    assert f'<label for="wish-move-{ours.pk}">Move to…</label>' in card
    assert '<option value="in_review">In review</option>' in card
    assert '<option value="done">' not in card  # only the moves staff may make from here
    # The drag and drop script is ours, served from our static files.
    assert '<script src="/static/wishes/vendor/Sortable.min.js" defer>' in html
    assert '<script src="/static/wishes/board.js" defer>' in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert 'role="status"' in html and 'role="alert"' in html
    assert reverse("admin:wishes_wish_changelist") in html


def test_the_board_keeps_its_filters_in_the_address(client_for, world):
    fibre = service_of(world.org, "Fibre")
    high = submitted(world, "High on fibre", value=Value.HIGH, services=[fibre])
    low = submitted(world, "Low", value=Value.LOW)
    theirs = submitted(world, "Theirs", organisation=world.other_org, author=world.outsider)
    client = client_for(world.agent)

    def shown(**params):
        response = client.get(BOARD_URL, params)
        assert response.status_code == 200
        return set(column(response, S.SUBMITTED)), response

    assert shown()[0] == {high.number, low.number, theirs.number}
    assert shown(organisation=world.other_org.pk)[0] == {theirs.number}
    assert shown(service=fibre.pk)[0] == {high.number}
    assert shown(value=Value.LOW)[0] == {low.number}
    numbers, response = shown(organisation=world.org.pk, value=Value.HIGH)
    assert numbers == {high.number}
    # The cards' forms come back to the same filtered board.
    here = f"{BOARD_URL}?organisation={world.org.pk}&amp;value=high"
    assert f'name="next" value="{here}"' in response.content.decode()
    # A made-up filter is an error on the form, not a server error.
    assert shown(value="enormous")[1].context["filters"].errors


def _board_queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BOARD_URL, filters)
    assert response.status_code == 200
    return len(queries)


def test_the_board_reads_the_same_number_of_queries_whatever_the_number_of_wishes(
    client_for, world, django_assert_max_num_queries
):
    client = client_for(world.agent)
    fibre = service_of(world.other_org)
    filters = {"organisation": world.other_org.pk, "service": fibre.pk, "value": "medium"}
    for status in (S.SUBMITTED, S.APPROVED, S.PLANNED, S.DONE):
        wish_in(world, status, f"First {status}")
    few = _board_queries(client)
    few_filtered = _board_queries(client, **filters)

    for n in range(3):
        for status in (S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRESS, S.NOT_ACCEPTED):
            wish = wish_in(
                world,
                status,
                f"More {n} {status}",
                organisation=world.other_org,
                author=world.outsider,
                services=[fibre],
            )
            services.wish_vote(wish=wish, user=world.outsider)

    assert _board_queries(client) == few
    with django_assert_max_num_queries(few_filtered):
        response = client.get(BOARD_URL, filters)
    assert len(column(response, S.IN_REVIEW)) == 3


def test_a_long_column_shows_its_first_cards_and_counts_them_all(client_for, world, settings):
    for n in range(COLUMN_LIMIT + 2):
        Wish.objects.create(
            organisation=world.org,
            author=world.member,
            number=f"WSH-2026-{80000 + n}",
            title=f"Wish {n}",
            description="Row",
            status=S.SUBMITTED,
            position=n,
        )
    response = client_for(world.agent).get(BOARD_URL)

    submitted_column = next(c for c in response.context["columns"] if c.status == S.SUBMITTED)
    assert submitted_column.total == COLUMN_LIMIT + 2
    assert len(submitted_column.cards) == COLUMN_LIMIT
    assert submitted_column.cards[0].wish.number == "WSH-2026-80000"
    assert f"The first {COLUMN_LIMIT} are shown." in response.content.decode()


# --- Moving a card to another column -------------------------------------------------


def test_a_dropped_card_moves_through_the_service(client_for, world):
    wish = submitted(world)
    client = client_for(world.agent)

    response = client.post(
        move_url(wish), {"move_to": S.IN_REVIEW, "seen_status": S.SUBMITTED}, **JSON
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == S.IN_REVIEW
    assert answer["message"] == f"{wish.number} moved to in review."
    # The card as it now is: its menu offers the moves from its new column.
    assert f'id="wish-{wish.pk}"' in answer["card"]
    assert '<option value="approved">' in answer["card"]
    assert '<option value="in_review">' not in answer["card"]
    wish.refresh_from_db()
    assert wish.status == S.IN_REVIEW
    assert verbs(wish)[-1] == "wish_review_started"


@pytest.mark.parametrize(
    ("start", "to"),
    [(S.SUBMITTED, S.DONE), (S.DONE, S.IN_PROGRESS), (S.NOT_ACCEPTED, S.APPROVED)],
)
def test_an_illegal_move_is_refused_with_a_message_and_changes_nothing(
    client_for, world, start, to
):
    wish = wish_in(world, start)
    before = (wish.status, wish.position, len(verbs(wish)))
    client = client_for(world.agent)

    response = client.post(move_url(wish), {"move_to": to, "seen_status": start}, **JSON)

    assert response.status_code == 400
    answer = response.json()
    assert answer["message"] == (
        f"A wish that is {WishStatus(start).label.lower()} cannot be moved to "
        f"{WishStatus(to).label.lower()}."
    )
    assert answer["needs"] == []  # nothing to ask: the card goes back
    wish.refresh_from_db()
    assert (wish.status, wish.position, len(verbs(wish))) == before


@pytest.mark.parametrize(
    ("start", "to", "needs", "given"),
    [
        (S.IN_REVIEW, S.CHANGES_REQUESTED, ["note"], {"client_note": "Which sites?"}),
        (S.SUBMITTED, S.NOT_ACCEPTED, ["reason"], {"reason": RefusalReason.DUPLICATE}),
        (S.APPROVED, S.PLANNED, ["target_date"], {"plan_date": "2026-10-01"}),
    ],
)
def test_a_move_that_needs_more_asks_for_it_then_moves(client_for, world, start, to, needs, given):
    wish = wish_in(world, start)
    client = client_for(world.agent)

    asked = client.post(move_url(wish), {"move_to": to, "seen_status": start}, **JSON)

    assert asked.status_code == 400
    assert asked.json()["needs"] == needs
    wish.refresh_from_db()
    assert wish.status == start

    done = client.post(move_url(wish), {"move_to": to, "seen_status": start, **given}, **JSON)

    assert done.status_code == 200, done.content
    wish.refresh_from_db()
    assert wish.status == to


def test_a_card_dropped_between_two_others_lands_there(client_for, world):
    first, second = (wish_in(world, S.APPROVED, title) for title in ("First", "Second"))
    moving = submitted(world, "Moving")
    client = client_for(world.agent)

    response = client.post(
        move_url(moving),
        {
            "move_to": S.APPROVED,
            "seen_status": S.SUBMITTED,
            "after": first.pk,
            "before": second.pk,
        },
        **JSON,
    )

    assert response.status_code == 200
    board = client.get(BOARD_URL)
    assert column(board, S.APPROVED) == [first.number, moving.number, second.number]


def test_a_drop_next_to_cards_of_another_column_is_refused(client_for, world):
    elsewhere = submitted(world, "Elsewhere")
    moving = submitted(world, "Moving")
    client = client_for(world.agent)

    response = client.post(
        move_url(moving),
        {"move_to": S.IN_REVIEW, "seen_status": S.SUBMITTED, "after": elsewhere.pk},
        **JSON,
    )

    assert response.status_code == 400
    assert "The board has changed meanwhile" in response.json()["message"]
    moving.refresh_from_db()
    assert moving.status == S.SUBMITTED


def test_the_move_menu_works_without_javascript(client_for, world):
    wish = submitted(world)
    client = client_for(world.agent)
    filtered = f"{BOARD_URL}?value=medium"

    response = client.post(
        move_url(wish), {"move_to": S.APPROVED, "seen_status": S.SUBMITTED, "next": filtered}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{filtered}#wish-{wish.pk}"
    assert texts(response) == [f"{wish.number} moved to approved."]
    wish.refresh_from_db()
    assert wish.status == S.APPROVED


def test_without_javascript_a_move_that_needs_more_opens_its_page(client_for, world):
    wish = wish_in(world, S.IN_REVIEW)
    client = client_for(world.agent)

    response = client.post(
        move_url(wish), {"move_to": S.NOT_ACCEPTED, "seen_status": S.IN_REVIEW, "next": BOARD_URL}
    )

    assert response.status_code == 400
    assert "Choose why the wish is not accepted." in response.content.decode()
    form = response.context["form"]
    assert form["move_to"].value() == S.NOT_ACCEPTED  # kept for the second try
    assert 'name="reason"' in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == S.IN_REVIEW

    again = client.post(
        move_url(wish),
        {
            "move_to": S.NOT_ACCEPTED,
            "seen_status": S.IN_REVIEW,
            "reason": RefusalReason.OUT_OF_SCOPE,
            "client_note": "We do not manage that server.",
            "next": BOARD_URL,
        },
    )

    assert again.status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.refusal_reason) == (S.NOT_ACCEPTED, RefusalReason.OUT_OF_SCOPE)
    assert wish.decision_note == "We do not manage that server."


def test_the_move_page_offers_the_moves_from_the_wishs_column(client_for, world):
    wish = wish_in(world, S.APPROVED)
    response = client_for(world.agent).get(move_url(wish), {"to": S.PLANNED})

    assert response.status_code == 200
    choices = [value for value, _label in response.context["form"]["move_to"].field.widget.choices]
    assert choices == ["", S.PLANNED, S.IN_PROGRESS, S.NOT_ACCEPTED]
    assert response.context["form"]["move_to"].value() == S.PLANNED


def test_a_move_from_a_stale_board_is_refused(client_for, world):
    wish = submitted(world)
    services.wish_move(wish=wish, to=S.IN_REVIEW, by=world.supervisor)
    client = client_for(world.agent)

    response = client.post(
        move_url(wish), {"move_to": S.APPROVED, "seen_status": S.SUBMITTED}, **JSON
    )

    assert response.status_code == 400
    assert "Meanwhile this wish moved to in review" in response.json()["message"]
    wish.refresh_from_db()
    assert wish.status == S.IN_REVIEW


def test_the_board_only_sends_back_to_itself(client_for, world):
    wish = submitted(world)
    response = client_for(world.agent).post(
        move_url(wish),
        {"move_to": S.IN_REVIEW, "seen_status": S.SUBMITTED, "next": "https://evil.example/"},
    )
    assert response["Location"] == f"{BOARD_URL}#wish-{wish.pk}"


# --- Order inside a column ------------------------------------------------------------


def test_cards_keep_the_order_staff_give_them(client_for, world):
    a, b, c = (submitted(world, title) for title in ("A", "B", "C"))
    client = client_for(world.agent)
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [a.number, b.number, c.number]

    # C dragged between A and B.
    response = client.post(reorder_url(c), {"after": a.pk, "before": b.pk}, **JSON)
    assert response.status_code == 200
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [a.number, c.number, b.number]

    # B dragged to the top.
    client.post(reorder_url(b), {"before": a.pk}, **JSON)
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [b.number, a.number, c.number]
    # A reorder tells the client nothing: no event.
    assert verbs(c) == ["wish_submitted"]


def test_the_up_and_down_buttons_work_without_javascript(client_for, world):
    a, b, c = (submitted(world, title) for title in ("A", "B", "C"))
    client = client_for(world.agent)
    board = client.get(BOARD_URL)
    cards = {card.wish.pk: card for col in board.context["columns"] for card in col.cards}

    # The buttons carry the cards they land between: C up goes between A and B.
    assert cards[c.pk].up == (a.pk, b.pk)
    assert cards[a.pk].down == (b.pk, c.pk)
    assert cards[a.pk].up is None and cards[c.pk].down is None
    response = client.post(
        reorder_url(c), {"direction": "up", "after": a.pk, "before": b.pk, "next": BOARD_URL}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD_URL}#wish-{c.pk}"
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [a.number, c.number, b.number]

    # The first card has nowhere further up to go.
    response = client.post(reorder_url(a), {"direction": "up", "after": "", "before": ""})
    assert texts(response) == ["The card is already the first of its column."]
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [a.number, c.number, b.number]


def test_cards_without_room_between_them_are_numbered_again(client_for, world):
    a, b, c = (submitted(world, title) for title in ("A", "B", "C"))
    # Two cards at the same place (so many moves that halves ran out, or old rows).
    services.wish_reorder(wish=a, by=world.agent, position=5.0)
    services.wish_reorder(wish=b, by=world.agent, position=5.0)
    client = client_for(world.agent)
    shown = column(client.get(BOARD_URL), S.SUBMITTED)
    first, second = (a, b) if shown[0] == a.number else (b, a)

    response = client.post(reorder_url(c), {"after": first.pk, "before": second.pk}, **JSON)

    assert response.status_code == 200
    assert column(client.get(BOARD_URL), S.SUBMITTED) == [first.number, c.number, second.number]
    positions = list(
        Wish.objects.filter(status=S.SUBMITTED)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert len(set(positions)) == 3


def test_a_reorder_next_to_a_card_of_another_column_is_refused(client_for, world):
    a = submitted(world, "A")
    other = wish_in(world, S.APPROVED, "Other")
    before = a.position
    response = client_for(world.agent).post(reorder_url(a), {"after": other.pk}, **JSON)
    assert response.status_code == 400
    a.refresh_from_db()
    assert a.position == before


@pytest.mark.parametrize(
    ("after", "before", "expected"),
    [(None, None, 1.0), (None, 3.0, 2.0), (3.0, None, 4.0), (1.0, 2.0, 1.5), (2.0, 2.0, None)],
)
def test_positions_between_neighbours(after, before, expected):
    assert position_between(after, before) == expected


def test_position_between_runs_out_of_room_rather_than_colliding():
    after = 1.0
    before = after + 2e-16
    assert position_between(after, before) is None


# --- Permissions ---------------------------------------------------------------------


@pytest.fixture
def viewer(world):
    """Staff who may read wishes but not change them."""
    user = UserFactory(email="viewer@support.test", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wishes", codename="view_wish")
    )
    return user


def test_staff_who_may_only_read_see_the_board_without_moves(client_for, world, viewer):
    wish = submitted(world)
    client = client_for(viewer)

    response = client.get(BOARD_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert wish.number in html
    assert "Move to…" not in html and "Sortable.min.js" not in html
    assert 'class="wish-card__grip"' not in html

    refused = client.post(move_url(wish), {"move_to": S.IN_REVIEW}, **JSON)
    assert refused.status_code == 403
    assert refused.json()["message"] == "You may not move wishes."
    assert client.post(move_url(wish), {"move_to": S.IN_REVIEW}).status_code == 403
    assert client.post(reorder_url(wish), {"before": wish.pk}).status_code == 403
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_the_board_is_staff_only(client_for, world):
    wish = submitted(world)
    for user in (world.member, world.manager):
        client = client_for(user)
        assert client.get(BOARD_URL).status_code == 302
        response = client.post(move_url(wish), {"move_to": S.IN_REVIEW}, **JSON)
        assert response.status_code == 302  # to the admin's login, never a move
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_a_staff_member_without_wish_permissions_cannot_open_the_board(client_for, world):
    bare = UserFactory(email="bare@support.test", is_staff=True)
    assert client_for(bare).get(BOARD_URL).status_code == 403


def test_moving_a_draft_is_a_404(client_for, world):
    from tests.wishes.factories import draft

    wish = draft(world)
    response = client_for(world.agent).post(move_url(wish), {"move_to": S.SUBMITTED}, **JSON)
    assert response.status_code == 404


def test_the_board_needs_a_post_to_reorder(client_for, world):
    wish = submitted(world)
    assert client_for(world.agent).get(reorder_url(wish)).status_code == 405


def test_the_script_and_library_exist_where_the_board_loads_them(settings):
    from pathlib import Path

    static = Path(settings.BASE_DIR) / "static" / "wishes"
    script = (static / "board.js").read_text()
    assert "Sortable.create" in script and "X-CSRFToken" in script
    library = static / "vendor" / "Sortable.min.js"
    if not library.exists():
        pytest.skip("SortableJS is fetched by `make vendor` (npm); not fetched here")
    version = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    pinned = version["dependencies"]["sortablejs"]
    assert re.match(rf"/\*! Sortable {re.escape(pinned)} ", library.read_text()[:80])
