"""Reads shared by the portal's ticket views, always from Ticket.objects.visible_to()."""

import re

from django.db.models import Prefetch, Q

from accounts.models import User

from . import notes
from .models import Attachment, ClientTask, Comment, Ticket, TicketWatcher

# ASCII digits only: \d and str.isdigit() also accept "²" or "٣", which int() and
# the stored numbers do not.
NUMBER = re.compile(r"(?ai)TKT-[0-9]{4}-[0-9]{5,}")
DIGITS = re.compile(r"[0-9]{1,9}")


def ticket_list(
    user, *, organisation=None, status=None, priority=None, category=None, requester=None, q=None
):
    tickets = Ticket.objects.visible_to(user, organisation=organisation).select_related(
        "requester", "category", "organisation"
    )
    if status:
        tickets = tickets.filter(status__in=status if isinstance(status, list) else [status])
    if priority:
        tickets = tickets.filter(priority=priority)
    if category:
        tickets = tickets.filter(category=category)
    if requester:
        tickets = tickets.filter(requester=requester)
    if q and q.strip():
        q = q.strip()
        text = Q(subject__icontains=q) | Q(description__icontains=q)
        if NUMBER.fullmatch(q):
            text |= Q(number=q.upper())
        elif DIGITS.fullmatch(q):
            text |= Q(number__endswith=f"-{int(q):05d}")
        tickets = tickets.filter(text)
    return tickets.order_by("-last_activity_at", "-pk")


def ticket_for_detail(user, number) -> Ticket:
    """One visible ticket with what its page shows, in a fixed number of queries."""
    ticket = (
        Ticket.objects.visible_to(user)
        # PostgreSQL's planning time grows steeply with each join: with all eight
        # relations joined to the visibility rule it took 7.5 ms to plan a 0.3 ms
        # query. The relations most tickets lack (a merge, an escalation) and the
        # request type come as prefetches: none is read for an empty one.
        .select_related("requester", "category", "organisation", "rating")
        .prefetch_related(
            "request_type",
            "merged_into",
            "escalated_by",
            "escalation_resolved_by",
            Prefetch(
                "comments",
                queryset=Comment.objects.public()
                .select_related("author")
                .prefetch_related(
                    Prefetch("attachments", queryset=Attachment.objects.filter(is_internal=False))
                ),
                to_attr="public_comments",
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_internal=False, comment__isnull=True),
                to_attr="opening_attachments",
            ),
            Prefetch(
                "watchers",
                queryset=TicketWatcher.objects.select_related("user").order_by(
                    "user__display_name"
                ),
            ),
            Prefetch("client_tasks", queryset=ClientTask.objects.select_related("assignee")),
            "services",
        )
        .get(number=number)
    )
    # System messages are worded for this reader (tickets/notes.py).
    notes.annotate(ticket.public_comments, user)
    return ticket


def requesters(user, organisation):
    """Who asked for the organisation's tickets the user sees, for the list's filter."""
    # A semi-join on the visible tickets' requesters: joining users to tickets and
    # then to the visible ones let the planner read every ticket of the system.
    visible = Ticket.objects.visible_to(user, organisation=organisation).order_by()
    return User.objects.filter(pk__in=visible.values("requester_id")).order_by("display_name")


def open_tasks_for(user, organisation):
    """Client tasks on the dashboard: the organisation's open ones the user can see."""
    return (
        ClientTask.objects.filter(
            done_at__isnull=True,
            ticket__in=Ticket.objects.visible_to(user, organisation=organisation),
        )
        .select_related("ticket", "assignee")
        .order_by("due_date", "pk")
    )
