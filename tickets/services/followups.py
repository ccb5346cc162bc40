"""Escalations and call requests, ratings and the tasks asked of clients.

Part of tickets.services (which re-exports every name here): each function is one
transaction that records its activity event; refusals are ValidationError.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activity.services import record_event

from .. import states
from ..models import (
    CallRequest,
    ClientTask,
    Rating,
    Ticket,
    TicketWatcher,
)
from . import _check_same_organisation, _data, _event, _lock, _touch

ESCALATION_REASON_MAX = 2000
CALL_PHONE_MAX = 40
CALL_TIME_MAX = 120
ESCALATION_FIELDS = [
    "escalated_at",
    "escalated_by",
    "escalation_reason",
    "escalation_resolved_at",
    "escalation_resolved_by",
]


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def ticket_escalate(*, ticket, reason: str, by) -> Ticket:
    """The client asks for more attention; open until an agent closes it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell us why this needs escalating."))
    if len(reason) > ESCALATION_REASON_MAX:
        raise ValidationError(
            ngettext(
                "Keep the reason to %(max)d character (it has %(count)d).",
                "Keep the reason to %(max)d characters (it has %(count)d).",
                ESCALATION_REASON_MAX,
            )
            % {"max": ESCALATION_REASON_MAX, "count": len(reason)}
        )
    ticket = _lock(ticket)
    if ticket.merged_into_id or ticket.status in states.DONE_STATUSES:
        raise ValidationError(_("Only an open ticket can be escalated; reopen it first."))
    if ticket.is_escalated:
        raise ValidationError(
            _(
                "This ticket has been escalated since %(date)s and support is on it. "
                "Reply to add anything new."
            )
            % {"date": _when(ticket.escalated_at)}
        )
    ticket.escalated_at, ticket.escalated_by, ticket.escalation_reason = timezone.now(), by, reason
    ticket.escalation_resolved_at, ticket.escalation_resolved_by = None, None
    _touch(ticket, by_client=not by.is_staff, fields=ESCALATION_FIELDS)
    # The reason travels as data: every reader's notification words it in their language.
    _event(ticket, by, "ticket_escalated", reason=reason)
    return ticket


@transaction.atomic
def escalation_resolve(*, ticket, by) -> Ticket:
    """An agent closes the open escalation; the ticket itself stays where it is."""
    if not by.is_staff:
        raise ValidationError(_("Only support staff can close an escalation."))
    ticket = _lock(ticket)
    if not ticket.is_escalated:
        raise ValidationError(_("This ticket has no open escalation."))
    ticket.escalation_resolved_at, ticket.escalation_resolved_by = timezone.now(), by
    _touch(ticket, by_client=False, fields=ESCALATION_FIELDS)
    _event(
        ticket,
        by,
        "ticket_escalation_resolved",
        escalated_at=ticket.escalated_at.isoformat(),
    )
    return ticket


@transaction.atomic
def call_request(*, ticket, phone: str, preferred_time: str, by) -> CallRequest:
    phone, preferred_time = (phone or "").strip(), (preferred_time or "").strip()
    if len(phone) > CALL_PHONE_MAX or sum(c.isdecimal() for c in phone) < 6:
        raise ValidationError(_("Give a phone number we can call."))
    if len(preferred_time) > CALL_TIME_MAX:
        raise ValidationError(
            ngettext(
                "Say when suits you in %(max)d character or fewer.",
                "Say when suits you in %(max)d characters or fewer.",
                CALL_TIME_MAX,
            )
            % {"max": CALL_TIME_MAX}
        )
    ticket = _lock(ticket)
    if ticket.merged_into_id or ticket.status in states.DONE_STATUSES:
        raise ValidationError(_("Only an open ticket can take a call request; reopen it first."))
    pending = ticket.call_requests.filter(done_at__isnull=True).first()
    if pending is not None:
        raise ValidationError(
            _("You already asked for a call on %(date)s (%(phone)s); we will call you soon.")
            % {"date": _when(pending.created_at), "phone": pending.phone}
        )
    call = CallRequest.objects.create(
        ticket=ticket,
        requested_by=by,
        phone=phone,
        preferred_time=preferred_time,
        created_at=timezone.now(),
    )
    _touch(ticket, by_client=True)
    _event(
        ticket,
        by,
        "ticket_call_requested",
        target=call,
        phone=phone,
        preferred_time=preferred_time,
    )
    return call


@transaction.atomic
def call_done(*, call, by) -> CallRequest:
    """The agent called the client back."""
    if not by.is_staff:
        raise ValidationError(_("Only support staff can mark a call as done."))
    ticket = _lock(call.ticket)
    call = CallRequest.objects.select_for_update().get(pk=call.pk)
    if call.done_at is not None:
        raise ValidationError(_("This call was already marked as done."))
    call.done_at, call.done_by = timezone.now(), by
    call.save(update_fields=["done_at", "done_by"])
    _touch(ticket, by_client=False)
    _event(
        ticket,
        by,
        "ticket_call_done",
        target=call,
        phone=call.phone,
        preferred_time=call.preferred_time,
    )
    return call


@transaction.atomic
def rating_set(*, ticket, score: int, comment: str, by) -> Rating:
    # Read when called: the package's setting (tests shorten it).
    from . import RATING_EDIT_DAYS

    ticket = _lock(ticket)
    if ticket.status not in states.DONE_STATUSES:
        raise ValidationError(_("You can rate the support once the ticket is resolved."))
    if score not in range(1, 6):
        raise ValidationError(_("Choose from 1 to 5 stars."))
    rating = Rating.objects.select_for_update().filter(ticket=ticket).first()
    now = timezone.now()
    if rating is None:
        rating = Rating.objects.create(
            ticket=ticket, score=score, comment=comment.strip(), rated_by=by
        )
    else:
        if now - rating.created_at > timedelta(days=RATING_EDIT_DAYS):
            raise ValidationError(
                ngettext(
                    "A rating can be changed for %(days)s day.",
                    "A rating can be changed for %(days)s days.",
                    RATING_EDIT_DAYS,
                )
                % {"days": RATING_EDIT_DAYS}
            )
        rating.score, rating.comment, rating.rated_by, rating.updated_at = (
            score,
            comment.strip(),
            by,
            now,
        )
        rating.save()
    _touch(ticket, by_client=True)
    _event(ticket, by, "ticket_rated", target=rating, score=score)
    return rating


@transaction.atomic
def client_task_add(*, ticket, title: str, details: str, due_date, assignee, by) -> ClientTask:
    if not (title or "").strip():
        raise ValidationError(_("A task needs a title."))
    if assignee is not None:
        _check_same_organisation(ticket, assignee)
    task = ClientTask.objects.create(
        ticket=ticket,
        title=title.strip(),
        details=details,
        due_date=due_date,
        assignee=assignee,
        created_by=by,
    )
    _touch(ticket, by_client=False)
    _event(ticket, by, "client_task_added", target=task, title=task.title)
    if assignee is not None:
        # A task is asked of someone who must be able to open the ticket to do
        # it: a member who cannot see it yet follows it from now on (seen by
        # everyone on the ticket), and the assignee is told by name.
        if not Ticket.objects.visible_to(assignee).filter(pk=ticket.pk).exists():
            TicketWatcher.objects.get_or_create(
                ticket=ticket, user=assignee, defaults={"added_by": by}
            )
            _event(ticket, by, "ticket_watcher_added", watcher=str(assignee))
        record_event(
            organisation=ticket.organisation,
            actor=by,
            verb="client_task_assigned",
            target=task,
            data=_data(ticket, title=task.title, assignee=str(assignee), user_id=assignee.pk),
        )
    return task


@transaction.atomic
def client_task_complete(*, task, by) -> ClientTask:
    task = ClientTask.objects.select_for_update().select_related("ticket").get(pk=task.pk)
    if task.done_at:
        return task
    task.done_at, task.done_by = timezone.now(), by
    task.save(update_fields=["done_at", "done_by"])
    _touch(task.ticket, by_client=True)
    _event(task.ticket, by, "client_task_done", target=task, title=task.title)
    return task
