"""Who wants which kind of event on which channel.

Defaults live here; a Preference row exists only where a user chose otherwise,
so adding a kind or a channel needs no data migration.
"""

from collections import defaultdict

from django.db import transaction

from accounts.models import Role
from accounts.roles import SUPERVISOR
from activity.verbs import KINDS, PERSON, TICKET, VERB_TABLE

from .channels import registry
from .models import Channel, Preference

# E-mail and Telegram stay quiet by default except for what needs the person:
# a new ticket, an escalation, the end of a ticket and SLA deadlines.
LOUD = {
    "ticket_opened",
    "ticket_escalated",
    "ticket_resolved",
    "ticket_closed",
    "sla",
    # A task asked of one person by name waits on them.
    "client_task",
}
# Clients hear of SLA deadlines in the portal (the ticket's marks, the feed, the
# centre), not by e-mail: a warning asks the support team to act, not the
# client, and what the client waits for (the reply, the resolution) is e-mailed
# when it comes. A client who wants deadline e-mails ticks them in the profile.
CLIENT_LOUD = LOUD - {"sla"}
# Staff hear only of the tickets they own (or, for supervisors, of unowned work,
# breaches, escalations and exhausted hours banks), so everything there is work
# for them and reaches them loudly: a client's reply or reopening, a change by
# someone else, a deadline coming close or missed.
STAFF_LOUD = LOUD | {"ticket_replied", "ticket_updated", "hours_bank"}
DEFAULTS = {
    Channel.PORTAL: set(KINDS),
    Channel.EMAIL: CLIENT_LOUD,
    Channel.TELEGRAM: CLIENT_LOUD,
}
STAFF_DEFAULTS = {
    Channel.PORTAL: set(KINDS),
    Channel.EMAIL: STAFF_LOUD,
    Channel.TELEGRAM: STAFF_LOUD,
}


def default(kind: str, channel: str, *, staff: bool = False) -> bool:
    if staff:
        return kind in STAFF_DEFAULTS.get(channel, STAFF_LOUD)
    return kind in DEFAULTS.get(channel, CLIENT_LOUD)


def channel_keys() -> list[str]:
    """The matrix's columns: the portal first, then every configured channel."""
    return [Channel.PORTAL, *registry()]


def kinds_for(user) -> list:
    """The kinds that can reach `user` (see fanout.recipients), so no row of the matrix is idle.

    Ticket kinds reach everyone; organisation-wide kinds (team, hours bank) only
    a client organisation's managers, and the hours bank the supervisors too;
    internal notes only staff.
    """
    manager = (
        not user.is_staff and user.memberships.filter(role=Role.MANAGER, is_active=True).exists()
    )
    supervisor = user.is_staff and user.groups.filter(name=SUPERVISOR).exists()
    ticket_kinds = {
        entry.kind for entry in VERB_TABLE.values() if entry.audience in (TICKET, PERSON)
    }
    return [
        kind
        for kind in KINDS.values()
        if (kind.key in ticket_kinds or manager or (supervisor and kind.key == "hours_bank"))
        and (user.is_staff or not kind.staff_only)
    ]


def wanted(user_ids, kind: str, *, staff_ids=frozenset()) -> dict[int, set[str]]:
    """For each user, the channels they want `kind` on (before reachability).

    `staff_ids`: those of the users who are staff, whose defaults are louder.
    """
    chosen = defaultdict(dict)
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=list(user_ids), kind=kind
    ).values_list("user_id", "channel", "enabled"):
        chosen[user_id][channel] = enabled
    channels = channel_keys()
    return {
        user_id: {
            channel
            for channel in channels
            if chosen[user_id].get(channel, default(kind, channel, staff=user_id in staff_ids))
        }
        for user_id in user_ids
    }


def matrix(user) -> list[tuple]:
    """Rows of (kind, [(channel, enabled), ...]) for the profile's form."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    channels = channel_keys()
    return [
        (
            kind,
            [
                (
                    channel,
                    chosen.get(
                        (kind.key, channel), default(kind.key, channel, staff=user.is_staff)
                    ),
                )
                for channel in channels
            ],
        )
        for kind in kinds_for(user)
    ]


@transaction.atomic
def save(user, enabled: set[tuple[str, str]]) -> None:
    """Store the whole matrix from a form: `enabled` holds the (kind, channel) pairs ticked."""
    rows = []
    shown = kinds_for(user)
    for kind in shown:
        for channel in channel_keys():
            value = (kind.key, channel) in enabled
            if value != default(kind.key, channel, staff=user.is_staff):
                rows.append(Preference(user=user, kind=kind.key, channel=channel, enabled=value))
    # Choices about kinds not offered to this user now (a manager's team row) are kept.
    Preference.objects.filter(user=user, kind__in=[kind.key for kind in shown]).delete()
    Preference.objects.bulk_create(rows)
