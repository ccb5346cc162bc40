""" "What to write next": what readers looked for and did not find, what did not help,
what is out of date, and what works, each section a table staff can download.

Every section is one or two bounded queries (grouped and counted in SQL, a LIMIT on
each), over the last 90 days of searches, feedback and visits to the new-ticket form;
views are the articles' running totals. CSV cells that a spreadsheet would take for a
formula (starting with = + - @, a tab or a return) are written with a leading quote.
"""

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import record_export
from tickets.models import RequestType

from .. import services
from ..models import (
    LANGUAGE_CODES,
    Article,
    Deflection,
    Feedback,
    SearchLog,
)
from .common import (
    LANGUAGE_LABELS,
    count_of,
    language_codes,
    original_revision,
    original_title,
    stale_texts,
    text_heads,
)

PERIOD = timedelta(days=90)
SEARCH_ROWS = 50
ARTICLE_ROWS = 25
COMMENTS_PER_ARTICLE = 5
REQUEST_TYPE_ROWS = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERMISSION = "knowledge.view_searchlog"


@dataclass
class Row:
    cells: list
    # The admin page of the article the row is about (its first cell links there).
    link: str = ""


@dataclass
class Section:
    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def shown_rows(self) -> list[list[str]]:
        return [(row.link, [shown(cell) for cell in row.cells]) for row in self.rows]


def shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def csv_cell(value) -> str:
    """A cell as text, never one a spreadsheet would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _change_url(pk) -> str:
    return reverse("admin:knowledge_article_change", args=[pk])


def _titles(ids) -> dict[int, str]:
    """Each article's title in its original language (or any, while it has none)."""
    found = {}
    for article in Article.objects.filter(pk__in=list(ids)).prefetch_related(text_heads()):
        found[article.pk] = str(article) if article.translations.all() else f"#{article.pk}"
    return found


# --- The sections -----------------------------------------------------------------------


def _searches(since, **condition) -> list[Row]:
    grouped = (
        SearchLog.objects.filter(created_at__gte=since, source=SearchLog.Source.SEARCH, **condition)
        .exclude(normalised="")
        .values("normalised", "language")
        .annotate(times=Count("pk"), last=Max("created_at"))
        .order_by("-times", "-last")[:SEARCH_ROWS]
    )
    return [
        Row(
            [
                row["normalised"],
                LANGUAGE_LABELS.get(row["language"], row["language"]),
                row["times"],
                row["last"],
            ]
        )
        for row in grouped
    ]


def no_results(since) -> Section:
    return Section(
        "no-results",
        _("Searches with no results"),
        _(
            "What readers looked for and found nothing: an article to write, or words "
            "to add to an article's tags."
        ),
        [_("Search"), _("Language"), _("Times"), _("Last searched")],
        _searches(since, results=0),
    )


def no_click(since) -> Section:
    return Section(
        "no-click",
        _("Searches with no click"),
        _("Results were shown and none was opened: their titles and summaries did not answer."),
        [_("Search"), _("Language"), _("Times"), _("Last searched")],
        _searches(since, results__gt=0, clicked__isnull=True),
    )


def unhelpful(since) -> Section:
    recent = Feedback.objects.filter(article=OuterRef("pk"), updated_at__gte=since)
    articles = list(
        Article.objects.annotate(
            no=count_of(recent.filter(helpful=False)),
            yes=count_of(recent.filter(helpful=True)),
        )
        .filter(no__gt=0)
        .order_by("-no", "yes", "pk")
        .values("pk", "no", "yes")[:ARTICLE_ROWS]
    )
    ids = [row["pk"] for row in articles]
    comments: dict[int, list[str]] = {pk: [] for pk in ids}
    latest = (
        Feedback.objects.filter(article_id__in=ids, helpful=False, updated_at__gte=since)
        .exclude(comment="")
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("article_id")], order_by=F("updated_at").desc()
            )
        )
        .filter(place__lte=COMMENTS_PER_ARTICLE)
        .order_by("article_id", "place")
        .values_list("article_id", "comment")
    )
    for pk, comment in latest:
        comments[pk].append(" ".join(comment.split()))
    titles = _titles(ids)
    return Section(
        "unhelpful",
        _("Articles readers found unhelpful"),
        _("The most “No” answers to “Was this helpful?”, with the latest comments."),
        [_("Article"), _("Not helpful"), _("Helpful"), _("Latest comments")],
        [
            Row(
                [titles.get(row["pk"], ""), row["no"], row["yes"], "\n".join(comments[row["pk"]])],
                _change_url(row["pk"]),
            )
            for row in articles
        ],
    )


def stale(since) -> Section:
    articles = list(
        Article.objects.annotate(
            original_revision=original_revision(), shown_title=original_title()
        )
        .filter(stale_texts())
        .order_by("-views", "pk")
        .prefetch_related(text_heads())[:ARTICLE_ROWS]
    )
    rows = []
    for article in articles:
        present = {text.language for text in article.translations.all()}
        rows.append(
            Row(
                [
                    article.shown_title or str(article),
                    LANGUAGE_LABELS.get(article.original_language, article.original_language),
                    language_codes(services.stale_languages(article)),
                    language_codes(c for c in LANGUAGE_CODES if c not in present),
                    article.views,
                ],
                _change_url(article.pk),
            )
        )
    return Section(
        "stale",
        _("Articles with stale translations"),
        _("Translations written from an older revision of the original, most read first."),
        [_("Article"), _("Original language"), _("Stale"), _("Missing"), _("Views")],
        rows,
    )


def top_views(since) -> Section:
    articles = list(
        Article.objects.filter(views__gt=0)
        .annotate(shown_title=original_title())
        .order_by("-views", "pk")
        .values("pk", "shown_title", "views", "status")[:ARTICLE_ROWS]
    )
    labels = dict(Article._meta.get_field("status").choices)
    return Section(
        "top-views",
        _("Most read articles"),
        _("Views since each article was written."),
        [_("Article"), _("Views"), _("Status")],
        [
            Row(
                [row["shown_title"] or f"#{row['pk']}", row["views"], str(labels[row["status"]])],
                _change_url(row["pk"]),
            )
            for row in articles
        ],
    )


def _deflections_per_article(since) -> list[tuple[int, int]]:
    """(article id, visits it deflected): a visit counts for the article that solved
    it and for every article opened in it, once each."""
    table = Deflection._meta.db_table
    sql = f"""
        SELECT article_id, COUNT(*) AS visits
        FROM (
            SELECT DISTINCT d.token, opened.article_id
            FROM {table} d
            CROSS JOIN LATERAL unnest(
                array_append(d.opened::bigint[], d.solved_by_id::bigint)
            ) AS opened(article_id)
            WHERE d.outcome IN (%s, %s) AND d.started_at >= %s
              AND opened.article_id IS NOT NULL
        ) AS counted
        GROUP BY article_id
        ORDER BY visits DESC, article_id
        LIMIT %s
    """  # noqa: S608 - the table name is the model's; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [Deflection.Outcome.DEFLECTED, Deflection.Outcome.SOLVED, since, ARTICLE_ROWS],
        )
        return list(cursor.fetchall())


def top_deflections(since) -> Section:
    counted = _deflections_per_article(since)
    titles = _titles(pk for pk, _visits in counted)
    return Section(
        "top-deflections",
        _("Articles that spared a ticket"),
        _(
            "Visits to the new-ticket form that ended without a ticket after the article "
            "was opened, or that the client marked as solved by it."
        ),
        [_("Article"), _("Visits without a ticket")],
        [Row([titles[pk], visits], _change_url(pk)) for pk, visits in counted if pk in titles],
    )


def request_types(since) -> Section:
    Outcome = Deflection.Outcome
    grouped = list(
        Deflection.objects.filter(started_at__gte=since)
        .exclude(outcome=Outcome.PENDING)
        .values("request_type_id")
        .annotate(
            visits=Count("pk"),
            shown=Count("pk", filter=~Q(shown=[])),
            deflected=Count("pk", filter=Q(outcome__in=[Outcome.DEFLECTED, Outcome.SOLVED])),
            ticket=Count("pk", filter=Q(outcome=Outcome.TICKET)),
            nothing=Count("pk", filter=Q(outcome=Outcome.NOTHING)),
        )
        .order_by("-visits", "request_type_id")[:REQUEST_TYPE_ROWS]
    )
    names = {
        kind.pk: kind.tr("name")
        for kind in RequestType.objects.filter(pk__in=[r["request_type_id"] for r in grouped])
    }
    rows = [
        Row(
            [
                names.get(row["request_type_id"], _("No request type")),
                row["visits"],
                row["shown"],
                row["deflected"],
                row["ticket"],
                row["nothing"],
                row["deflected"] / row["visits"] if row["visits"] else None,
            ]
        )
        for row in grouped
    ]
    return Section(
        "request-types",
        _("Deflection per request type"),
        _(
            "Visits to the new-ticket form, settled 30 minutes after they began: with "
            "articles shown, ended without a ticket after opening one, with a ticket, or "
            "with nothing opened. The rate is the share of visits without a ticket."
        ),
        [
            _("Request type"),
            _("Visits"),
            _("Articles shown"),
            _("Deflected"),
            _("Ticket opened"),
            _("Nothing opened"),
            _("Rate"),
        ],
        rows,
    )


SECTIONS = {
    "no-results": no_results,
    "no-click": no_click,
    "unhelpful": unhelpful,
    "stale": stale,
    "top-views": top_views,
    "top-deflections": top_deflections,
    "request-types": request_types,
}


def csv_response(section: Section, today) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="knowledge-{section.key}-{today:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([csv_cell(str(column)) for column in section.columns])
    for row in section.rows:
        writer.writerow([csv_cell(cell) for cell in row.cells])
    return response


def report_view(request, *, model_admin):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    since = timezone.now() - PERIOD
    wanted = request.GET.get("section", "")
    if request.GET.get("format") == "csv":
        if wanted not in SECTIONS:
            raise Http404
        record_export(request=request, what=f"knowledge report: {wanted}", file_format="csv")
        return csv_response(SECTIONS[wanted](since), timezone.localdate())
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("What to write next"),
        "opts": model_admin.opts,
        "since": since,
        "sections": [build(since) for build in SECTIONS.values()],
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/knowledge/report.html", context)
