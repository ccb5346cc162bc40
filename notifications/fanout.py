"""From one activity event to the notifications it causes.

Registered in settings.EVENT_HANDLERS, so the dispatch task calls `fan_out`
for every event, at least once. Everything here is safe to run twice: rows
are keyed by (event, user, channel) and inserted with ON CONFLICT DO NOTHING,
and sending claims each row before touching the outside world.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Membership, PartnerAssignment, Role
from accounts.roles import SUPERVISOR
from activity.verbs import MANAGERS, ORGANISATION, PERSON, TICKET, VERB_TABLE

from . import preferences
from .channels import registry
from .models import Channel, DeliveryStatus, Notification, WebhookDelivery, WebhookEndpoint

# Staff events that the supervisors hear about besides the assigned agent:
# something a person should pick up now. An exhausted hours bank is theirs too:
# whether to go on working billable hours is a decision for the support team's
# leads, not only for the client's managers.
SUPERVISOR_VERBS = {"ticket_escalated", "sla_breached", "hours_bank_100"}
# Work that needs an owner: the assignee, or the supervisors while there is none.
# A deadline coming close on a ticket nobody owns is the team's to act on; an
# acknowledgement warning (internal) would otherwise reach nobody at all.
UNOWNED_VERBS = {
    "ticket_opened",
    "recurring_ticket_opened",
    "ticket_call_requested",
    "sla_warning",
}
# The same, only when a client did it: an agent's own reply on an unowned
# ticket is not news for the supervisors.
UNOWNED_CLIENT_VERBS = {"ticket_replied", "ticket_reopened"}


def _needs_an_owner(event, ticket) -> bool:
    if ticket.assignee_id:
        return False
    if event.verb in UNOWNED_VERBS:
        return True
    return event.verb in UNOWNED_CLIENT_VERBS and not (event.actor_id and event.actor.is_staff)


def recipients(event, ticket=None) -> list:
    """The active users this event concerns, without its actor.

    Clients only for public events, and only while they still belong to the
    organisation; staff for ticket events (assigned agent, supervisors for
    escalations, breaches and unowned work) and the supervisors for an
    exhausted hours bank. A user who muted the ticket is left out.
    """
    entry = VERB_TABLE.get(event.verb)
    if entry is None or event.organisation_id is None:
        return []
    User = get_user_model()
    client_ids, staff_q = set(), Q(pk__in=[])
    if entry.audience == TICKET:
        if ticket is None:
            ticket = ticket_of(event)
        if ticket is None:
            return []
        if not event.is_internal:
            client_ids = {ticket.requester_id, *ticket.watchers.values_list("user_id", flat=True)}
        if ticket.assignee_id:
            staff_q |= Q(pk=ticket.assignee_id)
        if event.verb in SUPERVISOR_VERBS or _needs_an_owner(event, ticket):
            staff_q |= Q(groups__name=SUPERVISOR)
    elif entry.audience == PERSON and not event.is_internal:
        # Only the person named, and only about a ticket of the event's organisation.
        if ticket is None:
            ticket = ticket_of(event)
        if ticket is None:
            return []
        client_ids = {event.data.get("user_id")}
    elif entry.audience in (ORGANISATION, MANAGERS) and not event.is_internal:
        client_ids = set(
            Membership.objects.filter(
                organisation_id=event.organisation_id, role=Role.MANAGER, is_active=True
            ).values_list("user_id", flat=True)
        )
        if event.verb in SUPERVISOR_VERBS:
            staff_q |= Q(groups__name=SUPERVISOR)
    belongs = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"), organisation_id=event.organisation_id, is_active=True
        )
    ) | Exists(
        PartnerAssignment.objects.filter(
            partner_id=OuterRef("partner_id"),
            partner__is_active=True,
            organisation_id=event.organisation_id,
        )
    )
    users = User.objects.filter(is_active=True).filter(
        (Q(pk__in=client_ids, is_staff=False) & belongs) | (staff_q & Q(is_staff=True))
    )
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    if entry.audience in (TICKET, PERSON) and ticket is not None:
        from tickets.models import TicketMute

        users = users.exclude(
            Exists(TicketMute.objects.filter(ticket_id=ticket.pk, user=OuterRef("pk")))
        )
    return list(users.distinct().order_by("pk"))


def ticket_of(event):
    from tickets.models import Ticket

    number = event.data.get("number")
    if not number:
        return None
    return (
        Ticket.objects.filter(number=number, organisation_id=event.organisation_id)
        .only("pk", "number", "organisation_id", "requester_id", "assignee_id")
        .first()
    )


def fan_out(event) -> list[int]:
    """Write the event's notifications; return the ids of those waiting to be sent."""
    entry = VERB_TABLE.get(event.verb)
    if entry is None:
        return []
    ticket = ticket_of(event) if entry.audience in (TICKET, PERSON) else None
    users = recipients(event, ticket)
    now = timezone.now()
    # An event dispatched long after it happened (a long outage, an old backlog)
    # still shows in the portal, but is not worth an e-mail or a message now.
    fresh = event.created_at >= now - timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)
    rows = []
    if users:
        wanted = preferences.wanted(
            [u.pk for u in users], entry.kind, staff_ids={u.pk for u in users if u.is_staff}
        )
        channels = registry()
        reachable = {key: channel.addresses(users) for key, channel in channels.items()}
        for user in users:
            for channel in sorted(wanted[user.pk]):
                if channel == Channel.PORTAL:
                    rows.append(
                        Notification(
                            event=event,
                            user=user,
                            channel=channel,
                            status=DeliveryStatus.SENT,
                            sent_at=now,
                            created_at=event.created_at,
                        )
                    )
                elif fresh and user.pk in reachable.get(channel, {}):
                    rows.append(
                        Notification(event=event, user=user, channel=channel, next_attempt_at=now)
                    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if fresh and not event.is_internal:
        endpoints = WebhookEndpoint.objects.filter(
            organisation_id=event.organisation_id, is_active=True
        )
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, endpoint=e, next_attempt_at=now) for e in endpoints],
            ignore_conflicts=True,
        )
    # Whatever is still waiting for this event, from this run or an earlier one
    # that died before queueing it; claiming makes a second queueing harmless.
    from .tasks import send_notifications, send_webhooks

    pending = list(
        Notification.objects.filter(event=event, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    if pending:
        send_notifications.delay(pending)
    hooks = list(
        WebhookDelivery.objects.filter(event=event, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    if hooks:
        send_webhooks.delay(hooks)
    return pending
