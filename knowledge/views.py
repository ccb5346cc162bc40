"""The knowledge base as clients read it: home, categories, articles, search, and the
suggestions beside the new-ticket form.

Every article is read through `Article.objects.visible_to(user, organisation=)`
for the organisation the client acts for: anything else is a 404, whether it is
internal, another organisation's, a draft or not yet published.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import SESSION_KEY
from core.htmx import render_htmx
from core.uploads import file_response
from tickets.models import RequestType

from . import search as kb_search
from . import services
from .models import LANGUAGE_CODES, Article, ArticleTranslation, Category, Deflection, Feedback
from .reading import choose_text, read

HOME_LISTS = 6
COUNTS_KEPT = 10 * 60  # seconds; a change to what clients may read starts afresh
CATEGORY_PAGE = 50
DIGITS = "0123456789"


def _client(request):
    if request.user.is_staff:
        # Staff read and preview articles in the admin; the portal is the client's view.
        raise Http404
    if request.access.active is None:
        raise Http404
    return request.access.active


def _reader() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in LANGUAGE_CODES else "en"


def _readable(request, organisation=None):
    return Article.objects.visible_to(request.user, organisation=organisation or _client(request))


def _chosen_organisation(request):
    """The organisation the new-ticket form is filled in for: one of the reader's,
    else the one they act for (as the form itself decides)."""
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    for organisation in request.access.organisations:
        if str(organisation.pk) == wanted:
            return organisation
    return _client(request)


def _with_texts(articles):
    return articles.prefetch_related(
        Prefetch("translations", queryset=ArticleTranslation.objects.defer("body", "search"))
    )


def _entries(articles, language) -> list:
    """(article, its text for this reader) for each article that has one."""
    entries = []
    for article in articles:
        text = choose_text(article, language)
        if text is not None:
            entries.append((article, text))
    return entries


def _counts(readable, organisation) -> dict:
    """Readable articles per category. Counting reads every readable article (83 ms
    of database time with 25,000), so it is kept per organisation until what clients
    may read changes (services.changed(), on every announce)."""
    key = f"knowledge:counts:{organisation.pk}:{services.generation()}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(
            readable.order_by()
            .values_list("category_id")
            .annotate(n=Count("pk"))
            .values_list("category_id", "n")
        )
        cache.set(key, counts, COUNTS_KEPT)
    return counts


def _categories(readable, organisation):
    """Top-level categories with their subcategories, each with how many articles
    the reader may open (its own and its subcategories')."""
    counts = _counts(readable, organisation)
    tops = []
    for category in Category.objects.filter(parent=None).prefetch_related("children"):
        children = [child for child in category.children.all() if counts.get(child.pk)]
        for child in children:
            child.count = counts[child.pk]
        category.count = counts.get(category.pk, 0) + sum(child.count for child in children)
        category.subcategories = children
        if category.count:
            tops.append(category)
    return tops


@login_required
@require_GET
def home(request):
    readable = _readable(request)
    language = _reader()
    context = {
        "categories": _categories(readable, _client(request)),
        "popular": _entries(_with_texts(readable.order_by("-views", "pk")[:HOME_LISTS]), language),
        "recent": _entries(
            _with_texts(readable.order_by("-updated_at", "-pk")[:HOME_LISTS]), language
        ),
    }
    return render(request, "knowledge/home.html", context)


@login_required
@require_GET
def category(request, pk):
    readable = _readable(request)
    current = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    inside = readable.filter(Q(category=current) | Q(category__parent=current))
    articles = _with_texts(
        inside.select_related("category").order_by("category__order", "-views", "pk")
    )[:CATEGORY_PAGE]
    entries = _entries(articles, _reader())
    children = [child for child in current.children.all() if inside.filter(category=child).exists()]
    if not entries and not children:
        raise Http404
    context = {"category": current, "entries": entries, "children": children}
    return render(request, "knowledge/category.html", context)


def _get_article(request, pk, organisation=None) -> tuple[Article, object]:
    readable = _readable(request, organisation)
    article = get_object_or_404(
        readable.select_related("category", "category__parent").prefetch_related(
            "translations", "attachments"
        ),
        pk=pk,
    )
    return article, readable


def _organisation_reading(request, pk):
    """Another of the reader's organisations that may read article `pk`, if the one
    they act for may not (a notification of that organisation's feed)."""
    active = _client(request)
    for organisation in request.access.organisations:
        if (
            organisation.pk != active.pk
            and Article.objects.available_to(organisation).filter(pk=pk).exists()
        ):
            return organisation
    return None


def _deflection(request, token) -> Deflection | None:
    """The visit to the new-ticket form this request belongs to, if it is the reader's."""
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return (
        Deflection.objects.filter(token=token, user=request.user)
        .select_related("organisation")
        .first()
    )


@login_required
@require_GET
def article(request, pk):
    try:
        found, readable = _get_article(request, pk)
    except Http404:
        other = _organisation_reading(request, pk)
        if other is None:
            raise
        # Following a link to another of the reader's organisations switches to it.
        request.session[SESSION_KEY] = other.pk
        return redirect(request.get_full_path())
    reading = read(found, _reader(), readable)
    if reading is None:
        raise Http404
    services.count_view(found)
    search_id = request.GET.get("s", "")
    if search_id and all(ch in DIGITS for ch in search_id[:12]):
        services.log_click(
            search_id=int(search_id[:12]), organisation=request.access.active, article=found
        )
    feedback = Feedback.objects.filter(article=found, user=request.user).first()
    context = {"reading": reading, "feedback": feedback}
    return render(request, "knowledge/article.html", context)


@login_required
@require_GET
def article_panel(request, pk):
    """An article beside the new-ticket form, without leaving it."""
    deflection = _deflection(request, request.GET.get("d"))
    # The organisation the form is for, which may not be the one the reader acts for.
    chosen = deflection.organisation if deflection else _chosen_organisation(request)
    found, readable = _get_article(request, pk, chosen)
    reading = read(found, _reader(), readable)
    if reading is None:
        raise Http404
    if deflection is not None:
        services.deflection_opened(deflection, found)
    services.count_view(found)
    context = {"reading": reading, "deflection": deflection, "compact": True}
    return render(request, "knowledge/_panel.html", context)


@login_required
@require_POST
def feedback(request, pk):
    found, _readable_articles = _get_article(request, pk)
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, _("Choose Yes or No."))
        return redirect(found)
    try:
        given = services.give_feedback(
            article=found,
            user=request.user,
            organisation=request.access.active,
            language=_reader(),
            helpful=answer == "yes",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found)
    if request.htmx:
        return render(request, "knowledge/_feedback.html", {"feedback": given, "article": found})
    messages.success(request, _("Thank you: your answer helps us write better articles."))
    return redirect(found)


@login_required
@require_GET
def attachment(request, pk, attachment_id):
    found, _readable_articles = _get_article(request, pk)
    item = get_object_or_404(found.attachments.all(), pk=attachment_id)
    return file_response(item, inline=True)


def _category_choice(raw):
    if raw and all(ch in DIGITS for ch in raw[:12]):
        return Category.objects.filter(pk=int(raw[:12])).first()
    return None


@login_required
@require_GET
def search(request):
    organisation = _client(request)
    readable = _readable(request)
    text = kb_search.clean(request.GET.get("q", ""))
    chosen = _category_choice(request.GET.get("category", ""))
    language = _reader()
    results = kb_search.search(readable, text, reader=language, category=chosen)
    log = None
    if text and not results.timed_out:
        log = services.log_search(
            organisation=organisation, query=text, language=language, results=results.total
        )
    context = {
        "query": text,
        "results": results,
        "log": log,
        "chosen": chosen,
        "categories": _categories(readable, organisation),
    }
    return render_htmx(request, "knowledge/search.html", context, partial="results")


# Suggestions beside the new-ticket form -------------------------------------------------


@login_required
@require_GET
def suggest(request):
    """Up to five articles for what the client is typing; records what was shown."""
    organisation = _chosen_organisation(request)
    readable = _readable(request, organisation)
    type_id = request.GET.get("request_type", "")
    request_type = (
        RequestType.objects.available_to(organisation).filter(pk=int(type_id[:12])).first()
        if type_id and all(ch in DIGITS for ch in type_id[:12])
        else None
    )
    text = " ".join(
        [request.GET.get("subject", "")[:200], request.GET.get("description", "")[:2000]]
    )
    linked = (
        list(
            Article.request_types.through.objects.filter(requesttype=request_type).values_list(
                "article_id", flat=True
            )
        )
        if request_type
        else []
    )
    hits = kb_search.suggest(readable, text, reader=_reader(), linked=linked)
    deflection = None
    if hits:
        deflection = _deflection(request, request.GET.get("d"))
        if deflection is not None and deflection.organisation_id != organisation.pk:
            # The form is now for another organisation: a visit of its own.
            deflection = None
        if deflection is None:
            try:
                token = uuid.UUID(request.GET.get("d", ""))
            except ValueError:
                token = uuid.uuid4()
            if Deflection.objects.filter(token=token).exists():
                # Someone else's visit: never join it.
                token = uuid.uuid4()
            deflection = Deflection.objects.create(
                token=token, organisation=organisation, user=request.user, request_type=request_type
            )
        services.deflection_shown(
            deflection, [hit.article.pk for hit in hits], request_type=request_type
        )
    context = {"hits": hits, "deflection": deflection, "typed": bool(text.strip())}
    return render(request, "knowledge/_suggestions.html", context)


@login_required
@require_POST
def solved(request, token, pk):
    """ "This solved it": the client leaves the form with their answer."""
    found, _readable_articles = _get_article(request, pk)
    deflection = _deflection(request, token)
    if deflection is None:
        raise Http404
    services.deflection_solved(deflection, found)
    if request.htmx:
        return render(request, "knowledge/_solved.html", {"article": found})
    messages.success(request, _("Glad it helped. No ticket was opened."))
    return redirect(found)
