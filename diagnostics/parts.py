"""The ticket's measurements on the client's ticket page (tickets.parts): a card that
updates itself while a measurement runs."""

from tickets.parts import Panel, TicketPart

from . import reading
from .models import Measurement, OrganisationRules


class TicketMeasurements(TicketPart):
    key = "diagnostics"

    def side_panel(self, request, ticket) -> Panel | None:
        measurements = list(
            Measurement.objects.visible_to(request.user, organisation=ticket.organisation)
            .filter(ticket=ticket)
            .prefetch_related("results")
            .order_by("-created_at")[:5]
        )
        rules = OrganisationRules.objects.filter(organisation=ticket.organisation).first()
        may_run = bool(rules and rules.clients_may_run) and ticket.takes_replies
        if not measurements and not may_run:
            return None
        return Panel(
            "diagnostics",
            "diagnostics/_ticket_card.html",
            {"items": [reading.view(m) for m in measurements], "may_run": may_run},
        )
