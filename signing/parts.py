"""The documents of a ticket, on the client's ticket page (tickets.parts)."""

from tickets.parts import Panel, TicketPart

from .models import Document


class TicketDocuments(TicketPart):
    key = "signing"

    def side_panel(self, request, ticket) -> Panel | None:
        documents = list(
            Document.objects.visible_to(request.user, organisation=ticket.organisation)
            .filter(ticket=ticket)
            .order_by("-created_at")[:10]
        )
        if not documents:
            return None
        return Panel("signing", "signing/_ticket_card.html", {"documents": documents})
