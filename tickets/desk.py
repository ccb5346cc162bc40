"""Services of the agents' workspace: notes that mention, following, splitting.

Like tickets/services.py (which they build on), each is one transaction that
records its events; a refusal is a ValidationError with a message for the agent.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import notes, services
from .models import Attachment, Comment, TicketFollow
from .services import _event, _lock, _touch


@transaction.atomic
def note_add(*, ticket, author, body: str, attachments=(), mentioned=()) -> Comment:
    """An internal note; the colleagues it mentions are told (and follow the ticket)."""
    note = services.comment_add(
        ticket=ticket, author=author, body=body, internal=True, attachments=attachments
    )
    told = sorted({u.pk for u in mentioned if u.is_staff and u.pk != author.pk})
    if told:
        TicketFollow.objects.bulk_create(
            [TicketFollow(ticket_id=ticket.pk, user_id=pk) for pk in told], ignore_conflicts=True
        )
        _event(ticket, author, "ticket_mentioned", internal=True, target=note, staff_ids=told)
    return note


def follow(*, ticket, user, on: bool) -> None:
    """A personal choice, like muting: no event."""
    if not user.is_staff:
        raise ValidationError(_("Only support staff follow tickets here."))
    if on:
        TicketFollow.objects.get_or_create(ticket=ticket, user=user)
    else:
        TicketFollow.objects.filter(ticket=ticket, user=user).delete()


@transaction.atomic
def split(*, comment, subject: str, by):
    """A client's message becomes a ticket of its own, opened for its author.

    The message stays where it was written (the thread must still read as it
    happened); both threads say where the other is, worded for each reader by
    tickets/notes.py.
    """
    source = _lock(comment.ticket)
    if comment.is_internal or comment.verb or comment.author_id is None:
        raise ValidationError(_("Only a message a client wrote can become a ticket."))
    if comment.author.is_staff:
        raise ValidationError(_("Only a message a client wrote can become a ticket."))
    if source.merged_into_id:
        raise ValidationError(_("This ticket was merged into another one."))
    if Comment.objects.filter(ticket=source, verb=notes.SPLIT_OUT, data__comment_id=comment.pk):
        raise ValidationError(_("This message is already a ticket of its own."))
    author = comment.author
    if not author.memberships.filter(organisation_id=source.organisation_id, is_active=True):
        raise ValidationError(_("Its author no longer belongs to the organisation."))
    ticket = services.ticket_open(
        organisation=source.organisation,
        requester=author,
        subject=subject,
        description=comment.body or subject,
        request_type=source.request_type,
        category=source.category,
        priority=source.priority,
        opened_by=by,
    )
    # The files travel with the words: the same stored files, attached again.
    Attachment.objects.bulk_create(
        [
            Attachment(
                ticket=ticket,
                uploaded_by_id=a.uploaded_by_id,
                file=a.file.name,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                created_at=a.created_at,
            )
            for a in comment.attachments.filter(is_internal=False)
        ]
    )
    Comment.objects.create(
        ticket=source,
        author=by,
        body="",
        verb=notes.SPLIT_OUT,
        data={**notes.split_data(ticket), "comment_id": comment.pk},
    )
    Comment.objects.create(
        ticket=ticket,
        author=by,
        body="",
        verb=notes.SPLIT_FROM,
        data=notes.split_data(source),
    )
    _touch(source, by_client=False, public=False)
    _event(source, by, "ticket_split", internal=True, into=ticket.number)
    return ticket
