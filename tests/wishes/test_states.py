"""The workflow's table: who may move a wish from where to where (wishes/states.py)."""

import itertools

import pytest

from wishes import states
from wishes.states import AUTHOR, BOARD, STAFF, TRANSITIONS, WishStatus

S = WishStatus

# The table as the issue states it, written out pair by pair.
EXPECTED = {
    (S.DRAFT, S.SUBMITTED): (AUTHOR, "wish_submitted", ()),
    (S.CHANGES_REQUESTED, S.SUBMITTED): (AUTHOR, "wish_resubmitted", ()),
    (S.SUBMITTED, S.IN_REVIEW): (STAFF, "wish_review_started", ()),
    (S.SUBMITTED, S.CHANGES_REQUESTED): (STAFF, "wish_changes_requested", ("note",)),
    (S.IN_REVIEW, S.CHANGES_REQUESTED): (STAFF, "wish_changes_requested", ("note",)),
    (S.SUBMITTED, S.APPROVED): (STAFF, "wish_approved", ()),
    (S.IN_REVIEW, S.APPROVED): (STAFF, "wish_approved", ()),
    (S.SUBMITTED, S.NOT_ACCEPTED): (STAFF, "wish_not_accepted", ("reason",)),
    (S.IN_REVIEW, S.NOT_ACCEPTED): (STAFF, "wish_not_accepted", ("reason",)),
    (S.CHANGES_REQUESTED, S.NOT_ACCEPTED): (STAFF, "wish_not_accepted", ("reason",)),
    (S.APPROVED, S.NOT_ACCEPTED): (STAFF, "wish_not_accepted", ("reason",)),
    (S.PLANNED, S.NOT_ACCEPTED): (STAFF, "wish_not_accepted", ("reason",)),
    (S.APPROVED, S.PLANNED): (STAFF, "wish_planned", ("target_date",)),
    (S.APPROVED, S.IN_PROGRESS): (STAFF, "wish_started", ()),
    (S.PLANNED, S.IN_PROGRESS): (STAFF, "wish_started", ()),
    (S.IN_PROGRESS, S.DONE): (STAFF, "wish_done", ()),
    (S.PLANNED, S.APPROVED): (STAFF, "wish_replanned", ()),
    (S.IN_PROGRESS, S.PLANNED): (STAFF, "wish_replanned", ("target_date",)),
}

PAIRS = list(itertools.product(S.values, S.values))


def test_the_table_is_the_expected_one():
    assert {pair: (t.by, t.verb, t.needs) for pair, t in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize("by", [AUTHOR, STAFF])
@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_every_pair_is_allowed_exactly_when_the_table_says(current, to, by):
    step = states.transition(current, to)
    expected = EXPECTED.get((current, to))
    allowed = step is not None and step.by == by
    assert allowed == (expected is not None and expected[0] == by)
    assert (to in states.moves_from(current, by)) == allowed


def test_nothing_moves_a_wish_back_to_draft_or_out_of_done_and_not_accepted():
    for by in (AUTHOR, STAFF):
        for current in S.values:
            assert S.DRAFT not in states.moves_from(current, by)
        assert states.moves_from(S.DONE, by) == []
        assert states.moves_from(S.NOT_ACCEPTED, by) == []


def test_no_status_moves_to_itself():
    assert all(start != to for start, to in TRANSITIONS)


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("by", [AUTHOR, STAFF])
def test_moves_from_follows_the_board_order(current, by):
    moves = states.moves_from(current, by)
    assert moves == sorted(moves, key=BOARD.index)
    assert len(moves) == len(set(moves))


def test_moves_from_each_status():
    assert states.moves_from(S.DRAFT, AUTHOR) == [S.SUBMITTED]
    assert states.moves_from(S.DRAFT, STAFF) == []
    assert states.moves_from(S.CHANGES_REQUESTED, AUTHOR) == [S.SUBMITTED]
    assert states.moves_from(S.CHANGES_REQUESTED, STAFF) == [S.NOT_ACCEPTED]
    assert states.moves_from(S.SUBMITTED, AUTHOR) == []
    assert states.moves_from(S.SUBMITTED, STAFF) == [
        S.IN_REVIEW,
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.NOT_ACCEPTED,
    ]
    assert states.moves_from(S.IN_REVIEW, STAFF) == [
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.NOT_ACCEPTED,
    ]
    assert states.moves_from(S.APPROVED, STAFF) == [S.PLANNED, S.IN_PROGRESS, S.NOT_ACCEPTED]
    assert states.moves_from(S.PLANNED, STAFF) == [S.APPROVED, S.IN_PROGRESS, S.NOT_ACCEPTED]
    assert states.moves_from(S.IN_PROGRESS, STAFF) == [S.PLANNED, S.DONE]


def test_the_board_holds_every_status_but_draft():
    assert set(BOARD) == set(S.values) - {S.DRAFT}
    assert BOARD[-1] == S.NOT_ACCEPTED
    assert set(states.EDITABLE) == {S.DRAFT, S.CHANGES_REQUESTED}
    assert set(states.ACCEPTED) == {S.APPROVED, S.PLANNED, S.IN_PROGRESS, S.DONE}


def test_every_verb_of_the_table_is_declared():
    from core import plugins

    assert {t.verb for t in TRANSITIONS.values()} <= set(plugins.verbs())
