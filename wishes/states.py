"""A wish's workflow: its statuses, its business value, and one table of who may move it.

Every move goes through `wishes.services.wish_move`, which looks it up in TRANSITIONS:
(from, to) -> Transition(by, verb, needs). `by` is who may make it: the wish's author
(a client) or staff. `needs` names what the move must carry (a note for changes
requested, a reason for a refusal, a target date for planning).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WishStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("wish status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("wish status", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("wish status", "In review")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("wish status", "Changes requested")
    APPROVED = "approved", pgettext_lazy("wish status", "Approved")
    PLANNED = "planned", pgettext_lazy("wish status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("wish status", "In progress")
    DONE = "done", pgettext_lazy("wish status", "Done")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("wish status", "Not accepted")


# The board's columns, left to right; Not accepted last (collapsed by default).
BOARD = [
    WishStatus.SUBMITTED,
    WishStatus.IN_REVIEW,
    WishStatus.CHANGES_REQUESTED,
    WishStatus.APPROVED,
    WishStatus.PLANNED,
    WishStatus.IN_PROGRESS,
    WishStatus.DONE,
    WishStatus.NOT_ACCEPTED,
]
# Where the author may still change the text.
EDITABLE = (WishStatus.DRAFT, WishStatus.CHANGES_REQUESTED)
# Staff have decided for it: it is work that will be done (or is done).
ACCEPTED = (WishStatus.APPROVED, WishStatus.PLANNED, WishStatus.IN_PROGRESS, WishStatus.DONE)


class Value(models.TextChoices):
    LOW = "low", pgettext_lazy("business value", "Low")
    MEDIUM = "medium", pgettext_lazy("business value", "Medium")
    HIGH = "high", pgettext_lazy("business value", "High")
    CRITICAL = "critical", pgettext_lazy("business value", "Critical")


VALUE_GUIDANCE = {
    Value.LOW: _("Nice to have: it would make things a little easier."),
    Value.MEDIUM: _("Saves your team time every week, or removes a regular annoyance."),
    Value.HIGH: _("Your business depends on it soon: clients or revenue are affected."),
    Value.CRITICAL: _(
        "Without it your business cannot go on as it must (a legal or contract duty)."
    ),
}


class RefusalReason(models.TextChoices):
    """Why a wish is not accepted, in the client's words (staff add an explanation)."""

    OUT_OF_SCOPE = "out_of_scope", _("Outside the services we manage for you")
    NOT_FEASIBLE = "not_feasible", _("Not technically feasible")
    COST = "cost", _("The cost outweighs the benefit")
    DUPLICATE = "duplicate", _("Already asked for in another wish")
    ALREADY_POSSIBLE = "already_possible", _("It can already be done")
    OTHER = "other", _("Another reason (explained below)")


AUTHOR = "author"
STAFF = "staff"


@dataclass(frozen=True)
class Transition:
    by: str
    verb: str
    needs: tuple[str, ...] = ()


S = WishStatus
_REVIEWABLE = (S.SUBMITTED, S.IN_REVIEW)

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, S.SUBMITTED): Transition(AUTHOR, "wish_submitted"),
    (S.CHANGES_REQUESTED, S.SUBMITTED): Transition(AUTHOR, "wish_resubmitted"),
    (S.SUBMITTED, S.IN_REVIEW): Transition(STAFF, "wish_review_started"),
    **{
        (s, S.CHANGES_REQUESTED): Transition(STAFF, "wish_changes_requested", ("note",))
        for s in _REVIEWABLE
    },
    **{(s, S.APPROVED): Transition(STAFF, "wish_approved") for s in _REVIEWABLE},
    **{
        (s, S.NOT_ACCEPTED): Transition(STAFF, "wish_not_accepted", ("reason",))
        for s in (*_REVIEWABLE, S.CHANGES_REQUESTED, S.APPROVED, S.PLANNED)
    },
    (S.APPROVED, S.PLANNED): Transition(STAFF, "wish_planned", ("target_date",)),
    (S.APPROVED, S.IN_PROGRESS): Transition(STAFF, "wish_started"),
    (S.PLANNED, S.IN_PROGRESS): Transition(STAFF, "wish_started"),
    (S.IN_PROGRESS, S.DONE): Transition(STAFF, "wish_done"),
    # Plans change: staff may take a card one step back on the board.
    (S.PLANNED, S.APPROVED): Transition(STAFF, "wish_replanned"),
    (S.IN_PROGRESS, S.PLANNED): Transition(STAFF, "wish_replanned", ("target_date",)),
}


def transition(current: str, to: str) -> Transition | None:
    return TRANSITIONS.get((current, to))


def moves_from(current: str, by: str) -> list[str]:
    """The statuses `by` (AUTHOR or STAFF) may move a wish in `current` to, in board order."""
    allowed = {to for (start, to), t in TRANSITIONS.items() if start == current and t.by == by}
    return [status for status in BOARD if status in allowed]
