"""The wishes a ticket was opened from, on the agents' ticket page (tickets/parts.py).

wishes.services.wish_to_ticket links the ticket to its wish; this part shows that
link back on the ticket's admin page, above its conversation. It is added by
wishes.apps (WishesConfig.ready) with `tickets.parts.add(WishOrigin())`.
"""

from tickets.parts import Panel, TicketPart

THREAD = "ticket-thread-set"  # the class of the ticket page's Conversation fieldset


class WishOrigin(TicketPart):
    key = "wishes"

    def ticket_panels(self, request, ticket):
        if not request.user.has_perm("wishes.view_wish"):
            return []
        wishes = list(ticket.wishes.select_related("organisation").order_by("pk"))
        if not wishes:
            return []
        return [Panel("wish_origin", "admin/wishes/ticket_wishes.html", {"wishes": wishes}, THREAD)]
