"""The floor of `make bench`: the cheapest signed-in page this project can serve.

A `login_required` view that reads 20 rows through an index (the user's own tickets,
newest activity first: ticket_requester_activity) and renders them with a plain
template, no base.html. It runs behind every middleware and context processor the
settings give every page, so it is what a bare Django page costs here; every other
page is reported as a ratio to it (bench/run.py). Served only by bench/urls.py.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from tickets.models import Ticket

FLOOR_PATH = "/bench/floor/"
ROWS = 20

# Compiled once, as the cached template loader keeps the portal's templates.
TEMPLATE = engines["django"].from_string(
    """<!doctype html>
<html lang="{{ LANGUAGE_CODE }}">
<head><meta charset="utf-8"><title>Floor</title></head>
<body>
<table>
<thead><tr><th>Number</th><th>Subject</th><th>Status</th><th>Last activity</th></tr></thead>
<tbody>
{% for ticket in tickets %}<tr>
<td>{{ ticket.number }}</td>
<td>{{ ticket.subject }}</td>
<td>{{ ticket.get_status_display }}</td>
<td>{{ ticket.last_activity_at|date:"SHORT_DATETIME_FORMAT" }}</td>
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""
)


@login_required
def floor(request):
    tickets = Ticket.objects.filter(requester=request.user).order_by("-last_activity_at")
    rows = tickets.only("number", "subject", "status", "last_activity_at")[:ROWS]
    return HttpResponse(TEMPLATE.render({"tickets": rows}, request))
