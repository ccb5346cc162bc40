"""A bare staff page with the picker above a reply box, for the browser test.

The picker is the real one (canned/_picker.html through CannedPart.composer_tools);
only the page around it is this test's: it checks the picker on its own, whatever
the ticket page around it does.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from canned.parts import CannedPart
from config.urls import urlpatterns as portal
from tickets.models import Ticket

PAGE = """{% load i18n %}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reply</title></head>
<body><main><h1>Reply to {{ ticket.number }}</h1>
<form method="post" action="."><fieldset><legend>Reply</legend>
{% if tool %}{% include tool.template with panel=tool %}{% endif %}
<label for="id_reply">Reply</label>
<textarea id="id_reply" name="reply" rows="6" data-composer="reply"
          data-ticket="{{ ticket.pk }}"></textarea>
</fieldset></form></main></body></html>"""


def reply_page(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    tool = CannedPart().composer_tools(request, ticket, "reply")
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"ticket": ticket, "tool": tool}, request))


urlpatterns = [
    path("canned-test/<int:pk>/", admin.site.admin_view(reply_page)),
    *portal,
]
