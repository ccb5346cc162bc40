"""The articles an agent may link from a ticket's reply: those the ticket's
organisation may read (Article.objects.available_to), found by knowledge.search in
the requester's language, each with its title in that language and the portal's
address for it. With no words yet: the articles to read first for the ticket's
request type. JSON for the panel's script (knowledge/parts.py ArticleLinks), a page
of its own without it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts.configtext import organisation_language
from tickets.models import Ticket

from ..models import Article, ArticleTranslation
from ..parts import requester_language
from ..reading import choose_text
from ..search import MAX_QUERY, search
from .common import LANGUAGE_LABELS, TEXT_HEADS

RESULTS = 8


def _ticket(request, ticket_id, model_admin):
    """The ticket as the agent's ticket page would find it, or a 404."""
    tickets = model_admin.admin_site.get_model_admin(Ticket)
    ticket = tickets.get_object(request, str(ticket_id))
    if ticket is None or not tickets.has_view_permission(request, ticket):
        raise Http404
    return ticket


def _links(request, ids, ticket, language) -> list[dict]:
    texts = Prefetch(
        "translations", queryset=ArticleTranslation.objects.only(*TEXT_HEADS, "summary")
    )
    articles = Article.objects.filter(pk__in=ids).prefetch_related(texts).in_bulk()
    links = []
    with organisation_language(ticket.organisation.default_language):
        for pk in ids:
            article = articles.get(pk)
            text = choose_text(article, language) if article else None
            if text is None:
                continue
            url = request.build_absolute_uri(reverse("knowledge:article", args=[pk]))
            links.append(
                {
                    "id": pk,
                    "title": text.title,
                    "summary": text.summary,
                    "language": text.language,
                    "url": url,
                    "insert": f"{text.title}: {url}",
                }
            )
    return links


def links_view(request, ticket_id, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    ticket = _ticket(request, ticket_id, model_admin)
    language = requester_language(ticket)
    readable = Article.objects.available_to(ticket.organisation)
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    if query:
        found = search(readable, query, reader=language, limit=RESULTS)
        hits = found.hits or found.close
        ids = [hit.article.pk for hit in hits]
        if found.hits:
            heading = _("Articles for “%(query)s”") % {"query": query}
        elif found.close:
            heading = _("Nothing for “%(query)s”; close titles:") % {"query": query}
        else:
            heading = _("No article %(organisation)s may read matches “%(query)s”.") % {
                "organisation": ticket.organisation.name,
                "query": query,
            }
    else:
        ids = []
        if ticket.request_type_id:
            ids = list(
                readable.filter(request_types=ticket.request_type_id)
                .order_by("-views", "pk")
                .values_list("pk", flat=True)[:RESULTS]
            )
        heading = _("To read first for this request type") if ids else ""
    links = _links(request, ids, ticket, language)
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"query": query, "heading": heading, "results": links})
        patch_vary_headers(response, ["Accept"])
        return response
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Articles to link from %(number)s") % {"number": ticket.number},
        "opts": model_admin.opts,
        "ticket": ticket,
        "query": query,
        "heading": heading,
        "links": links,
        "language_name": LANGUAGE_LABELS.get(language, language),
    }
    response = TemplateResponse(request, "admin/knowledge/ticket_links.html", context)
    patch_vary_headers(response, ["Accept"])
    return response
