"""Ticket statuses and the one table of who may move a ticket from where to where.

Views, the admin and the services all ask this table: `can_transition()` for a
move someone asks for, `status_after_reply()` for the move a public reply makes
by itself, `takes_replies()` for whether a reply is accepted at all; nothing
else decides. Pure Python: no database, no Django models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CLIENT = "waiting_on_client", _("Waiting on you")
    WAITING_ON_THIRD_PARTY = "waiting_on_third_party", _("Waiting on a third party")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


class Actor(models.TextChoices):
    CLIENT = "client", _("Client")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


S = Status
CLIENT, AGENT, SYSTEM = Actor.CLIENT, Actor.AGENT, Actor.SYSTEM

_WORKING = [S.NEW, S.OPEN, S.IN_PROGRESS, S.WAITING_ON_CLIENT, S.WAITING_ON_THIRD_PARTY, S.REOPENED]

# (from, to) -> who may make the move. A client moves a ticket only to close a
# resolved one (confirming the fix) or to reopen it; a client's reply also
# moves it back to support when it was waiting on them, or reopens it.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {}
# (actor, from) -> to: the rows marked `on_reply`, the move a public reply by
# that actor makes by itself. Each is also a move the actor may ask for.
ON_REPLY: dict[tuple[str, str], str] = {}


def _allow(sources, targets, *actors, on_reply=False):
    if on_reply and len(targets) != 1:
        raise ValueError("A reply moves a ticket to one status.")
    for source in sources:
        for target in targets:
            if source != target:
                TRANSITIONS[(source, target)] = frozenset(
                    TRANSITIONS.get((source, target), frozenset()) | set(actors)
                )
                if on_reply:
                    ON_REPLY.update({(actor, source): target for actor in actors})


_allow(
    _WORKING,
    [S.OPEN, S.IN_PROGRESS, S.WAITING_ON_CLIENT, S.WAITING_ON_THIRD_PARTY, S.RESOLVED, S.CLOSED],
    AGENT,
)
_allow([S.NEW], [S.OPEN], AGENT, on_reply=True)  # support's first answer
_allow([S.RESOLVED, S.CLOSED], [S.REOPENED], AGENT)
_allow([S.RESOLVED, S.CLOSED], [S.REOPENED], CLIENT, on_reply=True)  # not fixed after all
_allow([S.RESOLVED], [S.CLOSED], AGENT, CLIENT, SYSTEM)  # SYSTEM: auto-close
_allow([S.WAITING_ON_CLIENT], [S.OPEN], CLIENT, on_reply=True)  # the client answered

OPEN_STATUSES = frozenset(_WORKING)
DONE_STATUSES = frozenset({S.RESOLVED, S.CLOSED})
# Statuses a client sees as "with support" (for filters and the dashboard).
CLIENT_WAITING = frozenset({S.WAITING_ON_CLIENT})


def can_transition(source: str, target: str, actor: str) -> bool:
    return actor in TRANSITIONS.get((source, target), frozenset())


def allowed_targets(source: str, actor: str) -> list[str]:
    return [
        target for (src, target), actors in TRANSITIONS.items() if src == source and actor in actors
    ]


def status_after_reply(status: str, actor: str) -> str | None:
    """Where a public reply by `actor` moves the ticket, if anywhere."""
    return ON_REPLY.get((actor, status))


def takes_replies(status: str) -> bool:
    """A ticket support still works on takes replies; a done one only where the
    client's reply moves it back (reopens it)."""
    return status not in DONE_STATUSES or (CLIENT, status) in ON_REPLY


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


PRIORITY_RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}
