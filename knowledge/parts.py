from django.urls import reverse

from tickets.parts import Panel, TicketPart

from .models import LANGUAGE_CODES, LANGUAGES

# Article links in the agents' replies (the suggestions beside the new-ticket form
# are knowledge/suggestions.py).

REPLY = "ticket-reply"  # the class of the ticket page's "Reply to the client" fieldset


def requester_language(ticket) -> str:
    """The language the ticket's requester reads articles in: theirs, else their
    organisation's."""
    for code in (ticket.requester.language, ticket.organisation.default_language):
        if code in LANGUAGE_CODES:
            return code
    return "en"


class ArticleLinks(TicketPart):
    """A search box above the agent's reply: articles the ticket's organisation may
    read, titled in the requester's language, each inserted into the reply as
    "Title: address" (knowledge/admin/ticket_links.py answers the searches)."""

    key = "knowledge-links"

    def ticket_panels(self, request, ticket) -> list[Panel]:
        if not request.user.has_perm("knowledge.view_article"):
            return []
        language = requester_language(ticket)
        context = {
            "url": reverse("admin:knowledge_article_links", args=[ticket.pk]),
            "language": language,
            "language_name": dict(LANGUAGES)[language],
            "organisation": ticket.organisation,
        }
        return [Panel("knowledge_links", "admin/knowledge/ticket_links_panel.html", context, REPLY)]
