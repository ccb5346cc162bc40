"""Who wants which kind of event on which channel.

Defaults live here; a Preference row exists only where a user chose otherwise,
so adding a kind or a channel needs no data migration.
"""

from collections import defaultdict

from django.db import transaction

from accounts.models import Role
from activity.verbs import KINDS, TICKET, VERB_TABLE

from .channels import registry
from .models import Channel, Preference

# E-mail and Telegram stay quiet by default except for what needs the person:
# a new ticket, an escalation, the end of a ticket and SLA deadlines.
LOUD = {"ticket_opened", "ticket_escalated", "ticket_resolved", "ticket_closed", "sla"}
DEFAULTS = {
    Channel.PORTAL: set(KINDS),
    Channel.EMAIL: LOUD,
    Channel.TELEGRAM: LOUD,
}


def default(kind: str, channel: str) -> bool:
    return kind in DEFAULTS.get(channel, LOUD)


def channel_keys() -> list[str]:
    """The matrix's columns: the portal first, then every configured channel."""
    return [Channel.PORTAL, *registry()]


def kinds_for(user) -> list:
    """The kinds that can reach `user` (see fanout.recipients), so no row of the matrix is idle.

    Ticket kinds reach everyone; organisation-wide kinds (team, hours bank) only
    a client organisation's managers; internal notes only staff.
    """
    manager = (
        not user.is_staff and user.memberships.filter(role=Role.MANAGER, is_active=True).exists()
    )
    ticket_kinds = {entry.kind for entry in VERB_TABLE.values() if entry.audience == TICKET}
    return [
        kind
        for kind in KINDS.values()
        if (kind.key in ticket_kinds or manager) and (user.is_staff or not kind.staff_only)
    ]


def wanted(user_ids, kind: str) -> dict[int, set[str]]:
    """For each user, the channels they want `kind` on (before reachability)."""
    chosen = defaultdict(dict)
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=list(user_ids), kind=kind
    ).values_list("user_id", "channel", "enabled"):
        chosen[user_id][channel] = enabled
    channels = channel_keys()
    return {
        user_id: {
            channel for channel in channels if chosen[user_id].get(channel, default(kind, channel))
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
                (channel, chosen.get((kind.key, channel), default(kind.key, channel)))
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
            if value != default(kind.key, channel):
                rows.append(Preference(user=user, kind=kind.key, channel=channel, enabled=value))
    # Choices about kinds not offered to this user now (a manager's team row) are kept.
    Preference.objects.filter(user=user, kind__in=[kind.key for kind in shown]).delete()
    Preference.objects.bulk_create(rows)
