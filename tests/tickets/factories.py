"""Ticket factories for any app's tests.

They write rows directly, without the services: no events, no counters (a
comment made here does not change public_reply_count), numbers from their own
TKT-2026-9xxxx range. To test behaviour, call the services instead:
`open_ticket` opens one through them, as a client would.
"""

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import OrganisationFactory, member_of
from tickets import services
from tickets.models import Comment, RecurringTicket, Ticket
from tickets.states import Status


def open_ticket(
    world,
    subject="Router down in Valparaíso",
    *,
    description="Since this morning nobody can connect.",
    organisation=None,
    requester=None,
    **fields,
) -> Ticket:
    """A ticket opened by tickets.services.ticket_open, with its number, events and
    clocks: world.member's in world.org unless told otherwise."""
    return services.ticket_open(
        organisation=organisation or world.org,
        requester=requester or world.member,
        subject=subject,
        description=description,
        **fields,
    )


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    class Params:
        # TicketFactory(resolved=True) / (closed=True): a consistent done ticket.
        resolved = factory.Trait(
            status=Status.RESOLVED, resolved_at=factory.LazyFunction(timezone.now)
        )
        closed = factory.Trait(
            status=Status.CLOSED,
            resolved_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )

    organisation = factory.SubFactory(OrganisationFactory)
    requester = factory.LazyAttribute(lambda ticket: member_of(ticket.organisation))
    number = factory.Sequence(lambda n: f"TKT-2026-{90000 + n}")
    subject = factory.Sequence(lambda n: f"Ticket {n}")
    description = "The link to the branch office drops every few minutes."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    ticket = factory.SubFactory(TicketFactory)
    author = factory.LazyAttribute(lambda comment: comment.ticket.requester)
    body = factory.Sequence(lambda n: f"Message {n}")
    is_internal = False


class RecurringTicketFactory(factory.django.DjangoModelFactory):
    """Weekly on Mondays at 09:00 from 2026-01-05, unscheduled (next_run_at empty)."""

    class Meta:
        model = RecurringTicket

    organisation = factory.SubFactory(OrganisationFactory)
    requester = factory.LazyAttribute(lambda template: member_of(template.organisation))
    subject = factory.Sequence(lambda n: f"Backup check {n}")
    description = "Check that last night's backups finished and restore one file."
    frequency = RecurringTicket.Frequency.WEEKLY
    start_date = dt.date(2026, 1, 5)
    time = dt.time(9, 0)
    weekday = 0
