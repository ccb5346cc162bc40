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
from core import plugins

from . import preferences
from .channels import registry
from .models import Channel, DeliveryStatus, Notification, WebhookDelivery, WebhookEndpoint


def _supervisors_hear(event, verb, owner_id) -> bool:
    """Whether the supervisors hear of `event` besides the subject's owner (Verb.supervisors).

    Some events need a person now (an escalation, a breach); others need an
    owner: the owner, or the supervisors while there is none (a new ticket, a
    deadline coming close), some only when a client acted (an agent's own
    reply on an unowned ticket is not news for the supervisors).
    """
    if verb.supervisors == plugins.ALWAYS:
        return True
    if owner_id or verb.supervisors not in (plugins.UNOWNED, plugins.UNOWNED_CLIENT):
        return False
    return verb.supervisors == plugins.UNOWNED or not (event.actor_id and event.actor.is_staff)


def recipients(event, subject=None) -> list:
    """The active users this event concerns, without its actor.

    Clients only for public events, and only while they still belong to the
    organisation; staff for subject events (the owner; the supervisors as the
    verb says) and the supervisors for organisation events marked for them (an
    exhausted hours bank). A user who muted the subject is left out.
    """
    verb = plugins.verbs().get(event.verb)
    if verb is None or not verb.notify or event.organisation_id is None:
        return []
    about = plugins.subject_of(event.verb)
    User = get_user_model()
    client_ids, staff_q = set(), Q(pk__in=[])
    if about is not None:
        if subject is None:
            subject = subject_of(event)
        if subject is None:
            return []
    if verb.audience == plugins.SUBJECT:
        if not event.is_internal:
            client_ids = about.people(subject)
        owner_id = about.owner(subject)
        if owner_id:
            staff_q |= Q(pk=owner_id)
        followers = list(about.followers(subject))
        if followers:
            staff_q |= Q(pk__in=followers)
        if _supervisors_hear(event, verb, owner_id):
            staff_q |= Q(groups__name=SUPERVISOR)
    elif verb.audience == plugins.STAFF:
        staff_q |= Q(pk__in=event.data.get("staff_ids") or [])
    elif verb.audience == plugins.PERSON and not event.is_internal:
        # Only the person named, and only about a subject of the event's organisation.
        client_ids = {event.data.get("user_id")}
    elif verb.audience in (plugins.ORGANISATION, plugins.MANAGERS) and not event.is_internal:
        client_ids = set(
            Membership.objects.filter(
                organisation_id=event.organisation_id, role=Role.MANAGER, is_active=True
            ).values_list("user_id", flat=True)
        )
        if verb.supervisors == plugins.ALWAYS:
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
    if about is not None and about.muted is not None:
        users = users.exclude(pk__in=about.muted(subject))
    return list(users.distinct().order_by("pk"))


def subject_of(event):
    """The object `event` is about (a ticket), within the event's organisation, or None."""
    about = plugins.subject_of(event.verb)
    reference = event.data.get(about.data_key) if about else None
    if not reference:
        return None
    found = about.load([reference]).get(reference)
    return found if found is not None and found.organisation_id == event.organisation_id else None


def fan_out(event) -> list[int]:
    """Write the event's notifications; return the ids of those waiting to be sent."""
    verb = plugins.verbs().get(event.verb)
    if verb is None:
        return []
    users = recipients(event, subject_of(event))
    now = timezone.now()
    # An event dispatched long after it happened (a long outage, an old backlog)
    # still shows in the portal, but is not worth an e-mail or a message now.
    fresh = event.created_at >= now - timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)
    rows = []
    if users:
        wanted = preferences.wanted(
            [u.pk for u in users], verb.kind, staff_ids={u.pk for u in users if u.is_staff}
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
