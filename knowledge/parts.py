from tickets.parts import TicketPart


class Suggestions(TicketPart):
    key = "knowledge-suggestions"


class ArticleLinks(TicketPart):
    key = "knowledge-links"
