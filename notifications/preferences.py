"""Who wants which kind of event on which channel.

Defaults live here; a Preference row exists only where a user chose otherwise,
so adding a kind or a channel needs no data migration.
"""

from collections import defaultdict

from django.db import transaction

from accounts.models import Role
from accounts.roles import SUPERVISOR
from core import plugins

from .channels import registry
from .models import Channel, Preference


def default(kind: str, channel: str, *, staff: bool = False) -> bool:
    """Whether `kind` reaches someone on `channel` when they chose nothing.

    Every kind shows in the portal. E-mail and Telegram stay quiet except for
    the kinds their app marks loud (core.plugins.Kind): what needs the person.
    Staff hear only of their own work, so more of it is loud for them.
    """
    if channel == Channel.PORTAL:
        return True
    declared = plugins.kinds().get(kind)
    if declared is None:
        return False
    return declared.staff_loud if staff else declared.loud


def channel_keys() -> list[str]:
    """The matrix's columns: the portal first, then every configured channel."""
    return [Channel.PORTAL, *registry()]


def kinds_for(user) -> list:
    """The kinds that can reach `user` (see fanout.recipients), so no row of the matrix is idle.

    Kinds about a subject (a ticket) reach everyone; organisation-wide kinds
    (team, hours bank) only a client organisation's managers, and the kinds
    marked for supervisors (the hours bank) the supervisors too; staff-only
    kinds (internal notes) only staff.
    """
    manager = (
        not user.is_staff and user.memberships.filter(role=Role.MANAGER, is_active=True).exists()
    )
    supervisor = user.is_staff and user.groups.filter(name=SUPERVISOR).exists()
    subject_kinds = {
        verb.kind
        for verb in plugins.verbs().values()
        if verb.audience in (plugins.SUBJECT, plugins.PERSON, plugins.STAFF)
    }
    return [
        kind
        for kind in plugins.kinds().values()
        if (kind.key in subject_kinds or manager or (supervisor and kind.supervisors))
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
