"""What mailin adds to the shared parts (core/plugins.py): the reply address of a
ticket's notification e-mails, the staff's view of inbound mail, a demo reply."""

from django.conf import settings

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import DemoStep, subject_of

from . import tokens


def _reply_address(notification, user) -> str | None:
    """The reader's own address for answering the ticket an e-mail is about."""
    if not settings.INBOUND_REPLY_ADDRESS:
        return None
    event = notification.event
    subject = subject_of(event.verb)
    if subject is None or subject.key != "ticket":
        return None
    from tickets.models import Ticket

    ticket_id = (
        Ticket.objects.filter(
            number=event.data.get("number", ""), organisation=event.organisation_id
        )
        .values_list("pk", flat=True)
        .first()
    )
    return tokens.address(ticket_id, user.pk) if ticket_id else None


REPLY_ADDRESS = _reply_address

STAFF = {AGENT: ["mailin.view_inboundmail"], SUPERVISOR: ["mailin.view_inboundmail"]}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("mailin", _demo, after=("tickets",))
