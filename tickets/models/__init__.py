"""Tickets' models, by subdomain; every name is importable from tickets.models as before."""

from .catalogue import (
    Category,
    PriorityRule,
    RequestSection,
    RequestType,
    RequestTypeField,
    RequestTypeQuerySet,
    TicketPolicy,
)
from .recurring import RecurringRun, RecurringTicket
from .relations import LinkKind, QueueDefault, SavedView, SavedViewQuerySet, Tag, TicketLink
from .thread import (
    COMMENT_SEARCH_VECTOR,
    Attachment,
    CallRequest,
    ClientTask,
    Comment,
    CommentQuerySet,
    Rating,
    attachment_path,
)
from .ticket import Ticket, TicketFollow, TicketMute, TicketNumber, TicketQuerySet, TicketWatcher

__all__ = [
    "COMMENT_SEARCH_VECTOR",
    "Attachment",
    "CallRequest",
    "Category",
    "ClientTask",
    "Comment",
    "CommentQuerySet",
    "LinkKind",
    "PriorityRule",
    "QueueDefault",
    "Rating",
    "RecurringRun",
    "RecurringTicket",
    "RequestSection",
    "RequestType",
    "RequestTypeField",
    "RequestTypeQuerySet",
    "SavedView",
    "SavedViewQuerySet",
    "Tag",
    "Ticket",
    "TicketFollow",
    "TicketLink",
    "TicketMute",
    "TicketNumber",
    "TicketPolicy",
    "TicketQuerySet",
    "TicketWatcher",
    "attachment_path",
]
