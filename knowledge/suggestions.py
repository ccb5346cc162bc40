"""The card beside the new-ticket form: articles for what the client is typing."""

import uuid

from tickets.parts import Panel, TicketPart


class Suggestions(TicketPart):
    key = "knowledge-suggestions"

    def new_ticket_panel(self, request, organisation):
        if organisation is None:
            return None
        # A visit's token; its Deflection row is written only once something is shown.
        # The form shown again after a refused submission is the same visit.
        try:
            token = uuid.UUID(request.POST.get("kb_visit", ""))
        except ValueError:
            token = uuid.uuid4()
        return Panel("suggestions", "knowledge/_suggestions_panel.html", {"token": token})
