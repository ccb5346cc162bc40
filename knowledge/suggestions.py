"""The card beside the new-ticket form: articles for what the client is typing."""

import uuid

from tickets.parts import Panel, TicketPart


class Suggestions(TicketPart):
    key = "knowledge-suggestions"

    def new_ticket_panel(self, request, organisation):
        if organisation is None:
            return None
        # A visit's token; its Deflection row is written only once something is shown.
        return Panel("suggestions", "knowledge/_suggestions_panel.html", {"token": uuid.uuid4()})
