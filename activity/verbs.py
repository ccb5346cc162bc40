"""Every event verb: how a person reads it, what kind it is and whom it concerns.

One table for the whole portal: an app adds its verbs here, so the feed, the
notifications and the tests all see the same list. A template may use the
actor's name as %(actor)s and any key of the event's data.

`kind` groups verbs the way people choose what they hear about (the rows of the
notification preferences and the feed's filter). `audience` says who, on the
client's side, the event is about:

- TICKET: the people who can see the ticket (its requester and watchers; the
  managers and partners see every ticket in the feed, but are only notified of
  their own). Ticket events carry the ticket's number in their data.
- ORGANISATION: the whole organisation sees it; its managers are notified.
- MANAGERS: managers and partners only (contracts and hours are theirs).
- PERSON: the one client the event's data names as `user_id` (a task asked of
  them by name), told directly; not in the feed, where the ticket's own event is.
  Person events carry the ticket's number too.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TICKET = "ticket"
ORGANISATION = "organisation"
MANAGERS = "managers"
PERSON = "person"


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    staff_only: bool = False


KINDS = {
    kind.key: kind
    for kind in [
        Kind("ticket_opened", _("New tickets")),
        Kind("ticket_replied", _("Replies")),
        Kind("ticket_updated", _("Ticket changes")),
        Kind("ticket_escalated", _("Escalations and calls")),
        Kind("ticket_resolved", _("Resolved tickets")),
        Kind("ticket_closed", _("Closed tickets")),
        Kind("client_task", _("Tasks asked of you")),
        Kind("sla", _("SLA deadlines")),
        Kind("time", _("Time logged")),
        Kind("hours_bank", _("Hours bank")),
        Kind("team", _("Team")),
        Kind("internal_note", _("Internal notes"), staff_only=True),
    ]
}


@dataclass(frozen=True)
class Verb:
    template: Promise
    kind: str
    audience: str = TICKET


VERB_TABLE = {
    "member_invited": Verb(
        _("%(actor)s invited %(email)s to join as %(role)s"), "team", ORGANISATION
    ),
    "member_joined": Verb(_("%(actor)s joined the organisation"), "team", ORGANISATION),
    "member_role_changed": Verb(_("%(actor)s made %(member)s a %(role)s"), "team", ORGANISATION),
    "member_deactivated": Verb(_("%(actor)s deactivated %(member)s"), "team", ORGANISATION),
    "member_reactivated": Verb(_("%(actor)s reactivated %(member)s"), "team", ORGANISATION),
    # Tickets. %(number)s and %(subject)s are in every ticket event's data.
    "ticket_opened": Verb(_("%(actor)s opened %(number)s: %(subject)s"), "ticket_opened"),
    "ticket_replied": Verb(_("%(actor)s replied on %(number)s"), "ticket_replied"),
    "ticket_note_added": Verb(_("%(actor)s added an internal note on %(number)s"), "internal_note"),
    "ticket_status_changed": Verb(_("%(actor)s moved %(number)s to %(status)s"), "ticket_updated"),
    "ticket_priority_changed": Verb(
        _("%(actor)s set the priority of %(number)s to %(priority)s"), "ticket_updated"
    ),
    "ticket_assigned": Verb(_("%(actor)s assigned %(number)s to %(assignee)s"), "ticket_updated"),
    "ticket_escalated": Verb(_("%(actor)s escalated %(number)s"), "ticket_escalated"),
    "ticket_call_requested": Verb(
        _("%(actor)s asked for a call about %(number)s"), "ticket_escalated"
    ),
    "ticket_escalation_resolved": Verb(
        _("%(actor)s closed the escalation of %(number)s"), "ticket_escalated"
    ),
    "ticket_call_done": Verb(_("%(actor)s called back about %(number)s"), "ticket_escalated"),
    "ticket_watcher_added": Verb(_("%(actor)s added %(watcher)s to %(number)s"), "ticket_updated"),
    "ticket_watcher_removed": Verb(
        _("%(actor)s removed %(watcher)s from %(number)s"), "ticket_updated"
    ),
    "ticket_resolved": Verb(_("%(actor)s resolved %(number)s"), "ticket_resolved"),
    "ticket_closed": Verb(_("%(actor)s closed %(number)s"), "ticket_closed"),
    "ticket_auto_closed": Verb(
        ngettext_lazy(
            "%(number)s was closed after %(days)s day without a reply",
            "%(number)s was closed after %(days)s days without a reply",
            "days",  # the event's data names the count: each language agrees with it
        ),
        "ticket_closed",
    ),
    "ticket_reopened": Verb(_("%(actor)s reopened %(number)s"), "ticket_updated"),
    "ticket_rated": Verb(_("%(actor)s rated the support on %(number)s"), "ticket_updated"),
    # For the duplicate's people the merge closes their ticket (kind "closed",
    # heard on their channels); the survivor's people hear that a duplicate
    # joined, never its number or subject (see tickets/notes.py).
    "ticket_merged": Verb(_("%(actor)s merged %(number)s into %(into)s"), "ticket_closed"),
    "ticket_merged_in": Verb(
        _("%(actor)s merged a duplicate ticket into %(number)s"), "ticket_updated"
    ),
    "attachment_added": Verb(_("%(actor)s attached %(name)s to %(number)s"), "ticket_updated"),
    "client_task_added": Verb(_("%(actor)s asked for: %(title)s (%(number)s)"), "ticket_updated"),
    "client_task_assigned": Verb(
        _("%(actor)s asked %(assignee)s for: %(title)s (%(number)s)"), "client_task", PERSON
    ),
    "client_task_done": Verb(_("%(actor)s completed: %(title)s (%(number)s)"), "ticket_updated"),
    "sla_warning": Verb(_("%(number)s is close to its %(kind)s deadline"), "sla"),
    "sla_breached": Verb(_("%(number)s missed its %(kind)s deadline"), "sla"),
    "time_logged": Verb(
        ngettext_lazy(
            "%(actor)s logged %(minutes)s minute on %(number)s",
            "%(actor)s logged %(minutes)s minutes on %(number)s",
            "minutes",
        ),
        "time",
    ),
    "time_entry_changed": Verb(_("%(actor)s corrected a time entry on %(number)s"), "time"),
    "hours_bank_80": Verb(
        _("80%% of the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
        "hours_bank",
        MANAGERS,
    ),
    "hours_bank_100": Verb(
        _("All the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
        "hours_bank",
        MANAGERS,
    ),
    "recurring_ticket_opened": Verb(
        _("%(number)s was opened from a recurring schedule: %(subject)s"), "ticket_opened"
    ),
}

VERBS = {verb: entry.template for verb, entry in VERB_TABLE.items()}

# What the one-line sentence leaves out, from the event's data, worded for the
# reader (notifications show it below the sentence). Only client-visible data.
DETAILS = {
    "ticket_escalated": _("Reason: %(reason)s"),
    "ticket_call_requested": _("Phone: %(phone)s · When: %(preferred_time)s"),
    "ticket_call_done": _("Phone: %(phone)s"),
}


def verbs_of_kind(kind: str) -> list[str]:
    return [verb for verb, entry in VERB_TABLE.items() if entry.kind == kind]


def verbs_for_audience(*audiences: str) -> list[str]:
    return [verb for verb, entry in VERB_TABLE.items() if entry.audience in audiences]
