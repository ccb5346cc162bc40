"""The ticket page's tags and links panel (templates/admin/tickets/ticket/relations.html).

Each form posts with htmx and gets the panel back, re-rendered; without htmx
the page reloads. Every change goes through tickets/relations.py. The agent
needs change_ticket on this ticket, and a linked ticket must be one the admin
shows them: another number answers "no ticket" whether it exists or not.
"""

from functools import partial

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.admin import change_url

from .. import relations
from ..models import LinkKind, Tag, TicketLink

SUGGESTIONS = 200  # tags offered in the datalist, the most used first


class TagAddForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tag"), max_length=relations.TAG_MAX)


class LinkAddForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("This ticket"), choices=LinkKind.choices)
    number = forms.CharField(label=gettext_lazy("Ticket number"), max_length=20)


def context(request, ticket, *, may_change: bool, error: str = "") -> dict:
    suggestions = (
        Tag.objects.exclude(tickets=ticket)
        .annotate(used=Count("tickets"))
        .order_by("-used", "name")
        .values_list("name", flat=True)[:SUGGESTIONS]
        if may_change
        else []
    )
    return {
        "ticket": ticket,
        "tags": list(ticket.tags.all()),
        "links": relations.links_of(ticket),
        "may_change": may_change,
        "error": error,
        "suggestions": list(suggestions),
        "tag_form": TagAddForm(auto_id="relations-tag-%s"),
        "link_form": LinkAddForm(auto_id="relations-link-%s"),
        "panel_url": reverse("admin:tickets_ticket_relations", args=[ticket.pk]),
    }


def panel(request, ticket, may_change: bool, error: str = "") -> str:
    """The panel's HTML, for the ticket page (or an htmx answer)."""
    return render_to_string(
        "admin/tickets/ticket/relations.html",
        context(request, ticket, may_change=may_change, error=error),
        request=request,
    )


def urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    views = {
        "": ("tickets_ticket_relations", panel_view),
        "tags/add/": ("tickets_ticket_tag_add", tag_add_view),
        "tags/<int:tag_id>/remove/": ("tickets_ticket_tag_remove", tag_remove_view),
        "links/add/": ("tickets_ticket_link_add", link_add_view),
        "links/<int:link_id>/remove/": ("tickets_ticket_link_remove", link_remove_view),
    }
    return [
        path(
            f"<path:object_id>/relations/{suffix}",
            wrap(partial(view, model_admin=model_admin)),
            name=name,
        )
        for suffix, (name, view) in views.items()
    ]


def _ticket(model_admin, request, object_id):
    ticket = model_admin.get_object(request, unquote(object_id))
    if ticket is None:
        raise Http404
    return ticket


def _to_change(model_admin, request, object_id):
    ticket = _ticket(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, ticket):
        raise PermissionDenied
    return ticket


def _answer(request, model_admin, ticket, change):
    """Run `change()`; htmx gets the panel again (with the refusal), a plain post the page."""
    error = ""
    try:
        change()
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            model_admin.message_user(request, error, level="error")
        return redirect(change_url(ticket))
    return HttpResponse(panel(request, ticket, may_change=True, error=error))


def panel_view(request, object_id, *, model_admin):
    ticket = _ticket(model_admin, request, object_id)
    if not model_admin.has_view_permission(request, ticket):
        raise PermissionDenied
    return HttpResponse(
        panel(request, ticket, may_change=model_admin.has_change_permission(request, ticket))
    )


@require_POST
def tag_add_view(request, object_id, *, model_admin):
    ticket = _to_change(model_admin, request, object_id)
    form = TagAddForm(request.POST)

    def change():
        if not form.is_valid():
            raise ValidationError(_("Write the tag."))
        relations.tag_add(ticket=ticket, name=form.cleaned_data["name"], by=request.user)

    return _answer(request, model_admin, ticket, change)


@require_POST
def tag_remove_view(request, object_id, tag_id, *, model_admin):
    ticket = _to_change(model_admin, request, object_id)
    tag = get_object_or_404(Tag, pk=tag_id)
    return _answer(
        request,
        model_admin,
        ticket,
        lambda: relations.tag_remove(ticket=ticket, tag=tag, by=request.user),
    )


@require_POST
def link_add_view(request, object_id, *, model_admin):
    ticket = _to_change(model_admin, request, object_id)
    form = LinkAddForm(request.POST)

    def change():
        if not form.is_valid():
            raise ValidationError(_("Give the other ticket's number and how they are linked."))
        number = form.cleaned_data["number"].strip().upper()
        # Only a ticket this agent's admin shows: any other is "no ticket".
        other = model_admin.tickets(request).filter(number=number).first()
        if other is None:
            raise ValidationError(_("There is no ticket %(number)s.") % {"number": number})
        relations.link_add(
            ticket=ticket, other=other, kind=form.cleaned_data["kind"], by=request.user
        )

    return _answer(request, model_admin, ticket, change)


@require_POST
def link_remove_view(request, object_id, link_id, *, model_admin):
    ticket = _to_change(model_admin, request, object_id)
    link = get_object_or_404(
        TicketLink.objects.select_related("from_ticket", "to_ticket"),
        Q(from_ticket=ticket) | Q(to_ticket=ticket),
        pk=link_id,
    )
    return _answer(
        request, model_admin, ticket, lambda: relations.link_remove(link=link, by=request.user)
    )
