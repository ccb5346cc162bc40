"""The tickets admin, by subdomain (Django autodiscovers this package).

- queue: the changelist (filters, SLA marks, ranks, columns, search, actions);
- ticket: TicketAdmin, the ticket page and its workflow (and merging);
- displays: the read-only parts of the ticket page;
- inlines: the client tasks on the ticket page;
- config: the supervisors' configuration (request sections and types,
  categories, priority rules, ticket policies, recurring tickets);
- records: read-only ratings, call requests and attachments;
- common: the stylesheet and links they share.

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
from .queue import (
    NO_SLA,
    QUEUE_RANKS,
    SLA_FLAGS,
    STATUS_QUEUE_ORDER,
    AssignedFilter,
    SLAMarkFilter,
    StatusFilter,
    queue_mark,
    sla_mark_filters,
)
from .records import AttachmentAdmin, CallRequestAdmin, RatingAdmin, ReadOnlyAdmin

__all__ = [
    "NO_SLA",
    "QUEUE_RANKS",
    "SLA_FLAGS",
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
    "SLAMarkFilter",
    "StatusFilter",
    "TicketAdmin",
    "TicketPolicyAdmin",
    "queue_mark",
    "sla_mark_filters",
]
