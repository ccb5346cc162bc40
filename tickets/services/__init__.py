"""Every change to a ticket goes through here.

Each function is one transaction that also records its activity event; rule
violations raise ValidationError with a message for the person acting. Who may
move a ticket where is decided by states.py, never here.
"""

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Visibility
from activity.services import record_event
from core.uploads import CleanUpload

from .. import notes, states
from ..models import (
    Attachment,
    CallRequest,
    ClientTask,
    Comment,
    PriorityRule,
    Ticket,
    TicketMute,
    TicketPolicy,
    TicketWatcher,
)
from ..signals import ticket_changed
from ..states import Actor, Priority, Status

RATING_EDIT_DAYS = 7


def policy_for(organisation) -> TicketPolicy:
    try:
        return organisation.ticket_policy
    except TicketPolicy.DoesNotExist:
        return TicketPolicy(organisation=organisation)


def priority_by_rule(*, request_type, category) -> str:
    """The most specific rule wins: type and category, type, category; then the type's default."""
    rules = {
        (r.request_type_id, r.category_id): r.priority
        for r in PriorityRule.objects.filter(
            Q(request_type=request_type) | Q(request_type__isnull=True)
        )
    }
    type_id = request_type.pk if request_type else None
    category_id = category.pk if category else None
    for key in ((type_id, category_id), (type_id, None), (None, category_id)):
        if key in rules:
            return rules[key]
    return request_type.default_priority if request_type else Priority.MEDIUM


def _next_number(now) -> str:
    # One row per year, incremented in place: concurrent openings serialise on
    # that row and each gets its own number.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_ticketnumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = tickets_ticketnumber.last + 1 "
            "RETURNING last",
            [now.year],
        )
        (last,) = cursor.fetchone()
    return f"TKT-{now.year}-{last:05d}"


def _data(ticket, **extra):
    return {"number": ticket.number, "subject": ticket.subject, **extra}


def _event(ticket, actor, verb, *, internal=False, target=None, **data):
    event = record_event(
        organisation=ticket.organisation,
        actor=actor,
        verb=verb,
        target=target or ticket,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        data=_data(ticket, **data),
    )
    # Same transaction: the SLA clocks move with the change that moved them.
    ticket_changed.send(Ticket, ticket=ticket, actor=actor, verb=verb, internal=internal)
    return event


def _touch(ticket, *, by_client: bool, public: bool = True, fields=()):
    now = timezone.now()
    ticket.updated_at = now
    update = {"updated_at", *fields}
    if public:
        ticket.last_activity_at = now
        update.add("last_activity_at")
    if by_client:
        ticket.last_client_activity_at = now
        update.add("last_client_activity_at")
    ticket.save(update_fields=sorted(update))


def _lock(ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("organisation").get(pk=ticket.pk)


def ticket_activity_noted(*, ticket_id: int) -> None:
    """Something the client may read happened on the ticket outside its thread (a
    measurement shared on it, by an app above): its open pages refresh, as after a reply."""
    now = timezone.now()
    Ticket.objects.filter(pk=ticket_id).update(updated_at=now, last_activity_at=now)


def _actor_kind(user) -> str:
    return Actor.AGENT if user.is_staff else Actor.CLIENT


def _store_attachments(ticket, uploads: Iterable[CleanUpload], by, comment=None, internal=False):
    stored = []
    for upload in uploads:
        attachment = Attachment(
            ticket=ticket,
            comment=comment,
            uploaded_by=by,
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=upload.sha256,
            is_internal=internal,
        )
        attachment.file.save(upload.name, upload.as_file(), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def ticket_open(
    *,
    organisation,
    requester,
    subject: str,
    description: str,
    request_type=None,
    category=None,
    priority: str | None = None,
    services=(),
    watchers=(),
    extra: dict | None = None,
    attachments: Iterable[CleanUpload] = (),
    verb: str = "ticket_opened",
    priority_by_staff: bool = False,
    opened_by=None,
) -> Ticket:
    """Open a ticket for `requester`; `opened_by` is the agent who did it on their behalf."""
    subject, description = (subject or "").strip(), (description or "").strip()
    if not subject or not description:
        raise ValidationError(_("Subject and description are required."))
    longest = Ticket._meta.get_field("subject").max_length
    if len(subject) > longest:
        # The portal's form says so first; an agent's split or a recurring ticket may not.
        raise ValidationError(
            _("A subject can be at most %(count)s characters long.") % {"count": longest}
        )
    if category is None and request_type is not None:
        category = request_type.default_category
    # The organisation's policy limits what a client chooses; a priority that
    # staff set (a recurring schedule, an agent) stands as set.
    staff_chose = (priority_by_staff or opened_by is not None) and bool(priority)
    if not priority or not (staff_chose or policy_for(organisation).client_sets_priority):
        priority = priority_by_rule(request_type=request_type, category=category)
    if priority not in Priority.values:
        raise ValidationError(_("Choose a valid priority."))
    now = timezone.now()
    ticket = Ticket.objects.create(
        organisation=organisation,
        number=_next_number(timezone.localtime(now, ZoneInfo(organisation.timezone))),
        request_type=request_type,
        category=category,
        priority=priority,
        subject=subject,
        description=description,
        extra=extra or {},
        requester=requester,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
        last_client_activity_at=now,
    )
    if services:
        ticket.services.set(services)
    actor = opened_by or requester
    TicketWatcher.objects.bulk_create(
        [TicketWatcher(ticket=ticket, user=u, added_by=actor) for u in watchers if u != requester],
        ignore_conflicts=True,
    )
    _store_attachments(ticket, attachments, actor)
    if opened_by is not None:
        # The agent is the actor, so the requester hears of it like a reply.
        _event(ticket, opened_by, verb, priority=priority, on_behalf_of=str(requester))
    else:
        _event(ticket, requester if verb == "ticket_opened" else None, verb, priority=priority)
    return ticket


def _reply_refusal(ticket) -> str:
    if ticket.merged_into_id:
        return _("This ticket was merged into %(number)s; reply there.") % {
            "number": ticket.merged_into.number
        }
    return _("This ticket no longer takes replies.")


@transaction.atomic
def comment_add(
    *,
    ticket,
    author,
    body: str,
    internal: bool = False,
    attachments: Iterable[CleanUpload] = (),
    via: str = "",
) -> Comment:
    """`via`: how it reached us when not through the portal ("email"), kept in its data."""
    body = (body or "").strip()
    attachments = list(attachments)
    if not body and not attachments:
        raise ValidationError(_("Write a message or attach a file."))
    actor = _actor_kind(author)
    if internal and actor != Actor.AGENT:
        raise ValidationError(_("Only support staff can add internal notes."))
    ticket = _lock(ticket)
    if not internal and not ticket.takes_replies:
        raise ValidationError(_reply_refusal(ticket))
    comment = Comment.objects.create(
        ticket=ticket,
        author=author,
        body=body,
        is_internal=internal,
        data={"via": via} if via else {},
    )
    _store_attachments(ticket, attachments, author, comment=comment, internal=internal)
    if internal:
        _event(ticket, author, "ticket_note_added", internal=True, target=comment)
        _touch(ticket, by_client=False, public=False)
        return comment
    ticket.public_reply_count = F("public_reply_count") + 1
    fields = ["public_reply_count"]
    new_status = states.status_after_reply(ticket.status, actor)
    if new_status:
        _apply_status(ticket, new_status)
        fields += ["status", "resolved_at", "closed_at"]
    _touch(ticket, by_client=actor == Actor.CLIENT, fields=fields)
    ticket.refresh_from_db(fields=["public_reply_count"])
    _event(ticket, author, "ticket_replied", target=comment)
    if new_status:
        # The reply moved the ticket: the SLA clocks and the feed need that too.
        verb = _STATUS_VERBS.get(new_status, "ticket_status_changed")
        _event(ticket, author, verb, status=new_status)
    return comment


def _apply_status(ticket, target):
    now = timezone.now()
    ticket.status = target
    if target == Status.RESOLVED:
        ticket.resolved_at = now
    elif target == Status.CLOSED:
        ticket.closed_at = now
    elif target == Status.REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None


_STATUS_VERBS = {
    Status.RESOLVED: "ticket_resolved",
    Status.CLOSED: "ticket_closed",
    Status.REOPENED: "ticket_reopened",
}


@transaction.atomic
def ticket_transition(*, ticket, to: str, by, actor: str | None = None) -> Ticket:
    actor = actor or _actor_kind(by)
    ticket = _lock(ticket)
    if ticket.merged_into_id:
        raise ValidationError(_("This ticket was merged into another one."))
    if not states.can_transition(ticket.status, to, actor):
        raise ValidationError(
            _("A ticket that is %(source)s cannot be moved to %(target)s.")
            % {
                "source": Status(ticket.status).label.lower(),
                "target": Status(to).label.lower() if to in Status.values else to,
            }
        )
    _apply_status(ticket, to)
    _touch(ticket, by_client=actor == Actor.CLIENT, fields=["status", "resolved_at", "closed_at"])
    verb = _STATUS_VERBS.get(to, "ticket_status_changed")
    _event(ticket, by, verb, status=to)
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket, priority: str, by) -> Ticket:
    if priority not in Priority.values:
        raise ValidationError(_("Choose a valid priority."))
    if not by.is_staff:
        raise ValidationError(_("Only support staff can change the priority."))
    ticket = _lock(ticket)
    if ticket.priority == priority:
        return ticket
    ticket.priority = priority
    _touch(ticket, by_client=False, fields=["priority"])
    _event(ticket, by, "ticket_priority_changed", priority=priority)
    return ticket


@transaction.atomic
def ticket_assign(*, ticket, assignee, by) -> Ticket:
    if assignee is not None and not assignee.is_staff:
        raise ValidationError(_("Tickets are assigned to support staff only."))
    ticket = _lock(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    ticket.assignee = assignee
    _touch(ticket, by_client=False, public=False, fields=["assignee"])
    _event(
        ticket,
        by,
        "ticket_assigned",
        internal=True,
        # "" for nobody: the word is the reader's to translate (activity.describe).
        assignee=str(assignee) if assignee else "",
    )
    return ticket


def _check_same_organisation(ticket, user):
    from accounts.models import Membership

    if not Membership.objects.filter(
        user=user, organisation_id=ticket.organisation_id, is_active=True
    ).exists():
        raise ValidationError(_("Only people of the ticket's organisation can follow it."))


@transaction.atomic
def watcher_add(*, ticket, user, by) -> TicketWatcher:
    _check_same_organisation(ticket, user)
    watcher, created = TicketWatcher.objects.get_or_create(
        ticket=ticket, user=user, defaults={"added_by": by}
    )
    if created:
        _touch(ticket, by_client=not by.is_staff)
        _event(ticket, by, "ticket_watcher_added", watcher=str(user))
    return watcher


@transaction.atomic
def watcher_remove(*, ticket, user, by) -> None:
    deleted, _ignored = TicketWatcher.objects.filter(ticket=ticket, user=user).delete()
    if deleted:
        _touch(ticket, by_client=not by.is_staff)
        _event(ticket, by, "ticket_watcher_removed", watcher=str(user))


def ticket_mute(*, ticket, user, muted: bool) -> None:
    # A personal preference, not a change to the ticket: no event.
    if muted:
        TicketMute.objects.get_or_create(ticket=ticket, user=user)
    else:
        TicketMute.objects.filter(ticket=ticket, user=user).delete()


@transaction.atomic
def ticket_merge(*, source, target, by) -> Ticket:
    """Move the thread and attachments of a duplicate into the surviving ticket."""
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."))
    if source.organisation_id != target.organisation_id:
        raise ValidationError(_("Only tickets of the same organisation can be merged."))
    first, second = sorted([source, target], key=lambda t: t.pk)
    locked = {t.pk: _lock(t) for t in (first, second)}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(_("One of these tickets was already merged."))
    moved = Comment.objects.filter(ticket=source).update(ticket=target)
    # The duplicate's description, with the files it was opened with, becomes a
    # message of the survivor's thread, dated when the client wrote it. Its
    # sentence ("... was merged into this ticket") is stored as data and worded
    # per reader by tickets/notes.py, which also decides who sees the duplicate's
    # number and subject.
    note = Comment.objects.create(
        ticket=target,
        author=source.requester,
        body=source.description,
        verb=notes.MERGED_IN,
        data=notes.merge_data(source),
        created_at=source.created_at,
    )
    Attachment.objects.filter(ticket=source, comment__isnull=True, is_internal=False).update(
        ticket=target, comment=note
    )
    Attachment.objects.filter(ticket=source).update(ticket=target)
    # Open work follows the conversation; finished tasks stay as history.
    ClientTask.objects.filter(ticket=source, done_at__isnull=True).update(ticket=target)
    CallRequest.objects.filter(ticket=source).update(ticket=target)
    for watcher_id in TicketWatcher.objects.filter(ticket=source).values_list("user", flat=True):
        TicketWatcher.objects.get_or_create(ticket=target, user_id=watcher_id)
    if source.requester_id != target.requester_id:
        TicketWatcher.objects.get_or_create(ticket=target, user_id=source.requester_id)
    target.public_reply_count = Comment.objects.public().filter(ticket=target).count()
    _touch(target, by_client=False, fields=["public_reply_count"])
    source.merged_into = target
    _apply_status(source, Status.CLOSED)
    source.public_reply_count = 0
    _touch(
        source, by_client=False, fields=["merged_into", "status", "closed_at", "public_reply_count"]
    )
    _event(source, by, "ticket_merged", into=target.number, moved=moved)
    # The survivor's readers hear that its thread grew, without the duplicate's
    # number or subject (see tickets/notes.py). Recorded without moving the
    # survivor's SLA clocks: a merge is not an answer to its client.
    record_event(
        organisation=target.organisation,
        actor=by,
        verb=notes.MERGED_IN,
        target=note,
        data=_data(target),
    )
    return target


def auto_close_due(*, now=None, limit: int = 500) -> int:
    """Close resolved tickets whose organisation's quiet period has passed. Once each."""
    now = now or timezone.now()
    closed = 0
    default_days = TicketPolicy._meta.get_field("auto_close_days").default
    # The quiet period is per organisation, so "due" is decided in SQL: picking
    # the oldest resolved tickets and filtering here would let tickets of
    # organisations with long periods fill the limit and starve the others.
    quiet_days = Coalesce("organisation__ticket_policy__auto_close_days", default_days)
    due_before = ExpressionWrapper(
        Value(now) - F("quiet_days") * Value(timedelta(days=1)), output_field=DateTimeField()
    )
    candidates = (
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__isnull=False)
        .alias(quiet_days=quiet_days)
        .filter(quiet_days__gt=0, resolved_at__lte=due_before)
        .select_related("organisation", "organisation__ticket_policy")
        .order_by("resolved_at")[:limit]
    )
    for ticket in candidates:
        days = policy_for(ticket.organisation).auto_close_days
        if not days or ticket.resolved_at > now - timedelta(days=days):
            continue
        with transaction.atomic():
            # Claim with a conditional update: of two sweeps, only one closes it.
            claimed = Ticket.objects.filter(
                pk=ticket.pk, status=Status.RESOLVED, resolved_at=ticket.resolved_at
            ).update(status=Status.CLOSED, closed_at=now, updated_at=now, last_activity_at=now)
            if claimed:
                ticket.status = Status.CLOSED
                _event(ticket, None, "ticket_auto_closed", days=days)
                closed += 1
    return closed


# Escalations, calls, ratings and client tasks live in their own module; their names
# are the services' as before (`services.ticket_escalate`).
from .followups import (  # noqa: E402
    CALL_PHONE_MAX,
    CALL_TIME_MAX,
    ESCALATION_FIELDS,
    ESCALATION_REASON_MAX,
    call_done,
    call_request,
    client_task_add,
    client_task_complete,
    escalation_resolve,
    rating_set,
    ticket_escalate,
)

__all__ = [
    "CALL_PHONE_MAX",
    "CALL_TIME_MAX",
    "ESCALATION_FIELDS",
    "ESCALATION_REASON_MAX",
    "call_done",
    "call_request",
    "client_task_add",
    "client_task_complete",
    "escalation_resolve",
    "rating_set",
    "ticket_escalate",
]
