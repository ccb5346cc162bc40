"""The canned replies' picker in the composer; the signature after a reply (tickets.parts)."""

from django.urls import reverse

from tickets.parts import Panel, TicketPart

from . import services

KINDS = ("reply", "note")
USE = "canned.view_cannedreply"


def picker_context(ticket) -> dict:
    # The render URL for id 0 with its id cut off: the picker appends the chosen one's.
    render = reverse("admin:canned_cannedreply_render", args=[0])
    return {
        "ticket": ticket.pk,
        "search_url": reverse("admin:canned_cannedreply_search"),
        "render_url": render.removesuffix("0/"),
    }


class CannedPart(TicketPart):
    key = "canned"

    def composer_tools(self, request, ticket, kind: str) -> Panel | None:
        if ticket is None or kind not in KINDS or not request.user.has_perm(USE):
            return None
        # One context for both composers (the page keeps one per name): the picker
        # finds its own text box, the one whose form it sits in.
        return Panel("canned", "canned/_picker.html", picker_context(ticket))

    def reply_signature(self, request, ticket) -> str:
        if ticket is None or not request.user.is_staff:
            return ""
        return services.signature_for(request.user, ticket)
