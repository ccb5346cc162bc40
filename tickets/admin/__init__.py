"""The tickets admin, by subdomain (Django autodiscovers this package).

- queue: the changelist (filters, ranks, columns, search, actions);
- paging: the queue's pages, read without counting the tickets;
- ticket: TicketAdmin, the ticket page and its workflow (and merging);
- displays: the read-only parts of the ticket page;
- inlines: the client tasks on the ticket page;
- config: the supervisors' configuration (request sections and types,
  categories, priority rules, ticket policies, recurring tickets);
- records: read-only ratings, call requests and attachments;
- common: the stylesheet and links they share.

The apps above tickets add their parts to the queue and the ticket page
(tickets/parts.py): sla its marks and deadlines, contracts the time spent.

Importing the submodules registers their admins, in the order tickets/admin.py did.
"""

from .ticket import TicketAdmin  # isort: skip  (the ticket registered first, as before)
from .config import (
    CategoryAdmin,
    PriorityRuleAdmin,
    RecurringTicketAdmin,
    RequestSectionAdmin,
    RequestTypeAdmin,
    RequestTypeFieldInline,
    TicketPolicyAdmin,
)
from .inlines import ClientTaskInline, NewClientTaskFormSet, NewClientTaskInline
from .queue import QUEUE_RANKS, STATUS_QUEUE_ORDER, AssignedFilter, StatusFilter
from .records import AttachmentAdmin, CallRequestAdmin, RatingAdmin, ReadOnlyAdmin

__all__ = [
    "QUEUE_RANKS",
    "STATUS_QUEUE_ORDER",
    "AssignedFilter",
    "AttachmentAdmin",
    "CallRequestAdmin",
    "CategoryAdmin",
    "ClientTaskInline",
    "NewClientTaskFormSet",
    "NewClientTaskInline",
    "PriorityRuleAdmin",
    "RatingAdmin",
    "ReadOnlyAdmin",
    "RecurringTicketAdmin",
    "RequestSectionAdmin",
    "RequestTypeAdmin",
    "RequestTypeFieldInline",
    "StatusFilter",
    "TicketAdmin",
    "TicketPolicyAdmin",
]
