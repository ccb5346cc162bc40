"""Finding articles: full-text search in each article's language, suggestions from
what a client is typing, and "did you mean" when nothing matches.

Every query reads the stored vector of `ArticleTranslation` through its GIN index,
with the configuration of the text's own language (the same one that built the
vector), so "servidor caído" matches "servidores caidos" in Spanish and
"conexão" matches "conexao" in Portuguese. One query covers the four languages
(an OR of one branch each) and ranks title and tags above the summary, and the
summary above the body; an article found in the reader's language is preferred
to the same article found in another. What may be found is always the caller's
`articles` queryset (`Article.objects.visible_to(...)`), joined in the query.

Snippets come from `ts_headline` with markers that cannot appear in text; the
text is escaped first and the markers become <mark> afterwards.
"""

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.utils import OperationalError
from django.utils.safestring import SafeString, mark_safe

from .models import LANGUAGE_CODES, SEARCH_CONFIGS, Article, ArticleTranslation

MAX_QUERY = 200
PAGE = 20
# Counting every match of a broad query costs more than it tells: "1000+".
COUNT_CAP = 1000
# An article in the reader's language ranks this much above the same relevance
# in another language.
OWN_LANGUAGE_BOOST = 1.5
SUGGESTIONS = 5
SUGGESTION_WORDS = 16
TIMEOUT_MS = 2000
_START, _STOP = "\x02", "\x03"
_MARKDOWN = re.compile(r"[#*_`|]+|!\[|\]\([^)]*\)|\[")
_WORD = re.compile(r"[^\W_]+")


def clean(text: str, limit: int = MAX_QUERY) -> str:
    """What was typed, without control characters (PostgreSQL refuses NUL) or extra spaces."""
    printable = "".join(
        ch for ch in (text or "") if unicodedata.category(ch) != "Cc" or ch in "\n\t"
    )
    return " ".join(printable.split())[:limit]


def normalise(text: str) -> str:
    """How searches are grouped in the report: lower case, accents and extra spaces gone."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.split())[:MAX_QUERY]


@dataclass
class Hit:
    article: Article
    text: ArticleTranslation
    snippet: SafeString
    rank: float = 0.0

    @property
    def other_language(self) -> bool:
        return self.text.language != self._reader

    _reader: str = ""


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    did_you_mean: str = ""
    close: list[Hit] = field(default_factory=list)
    timed_out: bool = False


def _queries(text: str, search_type: str) -> dict[str, SearchQuery]:
    return {
        code: SearchQuery(text, config=cfg, search_type=search_type)
        for code, cfg in SEARCH_CONFIGS.items()
    }


def _matching(texts, queries: dict[str, SearchQuery]):
    match = Q()
    for code, query in queries.items():
        match |= Q(language=code, search=query)
    return texts.filter(match)


def _ranked(texts, queries: dict[str, SearchQuery], reader: str):
    rank = Case(
        *[
            When(language=code, then=SearchRank(F("search"), query))
            for code, query in queries.items()
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    boost = Case(
        When(language=reader, then=Value(OWN_LANGUAGE_BOOST)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return texts.annotate(rank=rank * boost).order_by("-rank", "-article__updated_at", "pk")


def _texts(articles, category=None):
    texts = ArticleTranslation.objects.filter(article__in=articles.values("pk"))
    if category is not None:
        texts = texts.filter(Q(article__category=category) | Q(article__category__parent=category))
    return texts


def _best_per_article(rows, reader: str, limit: int) -> list:
    chosen: dict[int, object] = {}
    for row in rows:
        kept = chosen.get(row.article_id)
        if kept is None:
            if len(chosen) < limit:
                chosen[row.article_id] = row
        elif kept.language != reader and row.language == reader:
            chosen[row.article_id] = row
    return list(chosen.values())


def snippet(marked: str) -> SafeString:
    """`ts_headline`'s output, escaped, with its markers as <mark>."""
    text = _MARKDOWN.sub(" ", marked or "")
    text = " ".join(text.split())
    escaped = html.escape(text)
    return mark_safe(  # noqa: S308 - escaped just above; only the markers become tags
        escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def _headlines(rows, queries: dict[str, SearchQuery]) -> dict[int, SafeString]:
    """Snippets for the page's rows only: ts_headline re-parses the whole text."""
    if not rows:
        return {}
    options = {
        "start_sel": _START,
        "stop_sel": _STOP,
        "max_words": 35,
        "min_words": 15,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }
    headline = Case(
        *[
            When(
                language=code,
                then=SearchHeadline("body", query, config=SEARCH_CONFIGS[code], **options),
            )
            for code, query in queries.items()
        ],
    )
    marked = ArticleTranslation.objects.filter(pk__in=[row.pk for row in rows]).annotate(
        headline=headline
    )
    return {row.pk: snippet(row.headline) for row in marked.only("pk", "language")}


def _with_articles(rows) -> None:
    articles = Article.objects.select_related("category", "category__parent").in_bulk(
        [row.article_id for row in rows]
    )
    for row in rows:
        row.article = articles[row.article_id]


def _reader_texts(rows, reader: str) -> dict[int, ArticleTranslation]:
    """The reader's-language text of articles found in another language."""
    others = [row.article_id for row in rows if row.language != reader]
    if not others:
        return {}
    return {
        text.article_id: text
        for text in ArticleTranslation.objects.filter(article_id__in=others, language=reader).defer(
            "body", "search"
        )
    }


def _hits(rows, queries, reader: str) -> list[Hit]:
    _with_articles(rows)
    snippets = _headlines(rows, queries)
    swaps = _reader_texts(rows, reader)
    hits = []
    for row in rows:
        text = swaps.get(row.article_id, row)
        shown = snippets.get(row.pk) if text is row else None
        hit = Hit(
            article=row.article,
            text=text,
            snippet=shown or snippet(text.summary),
            rank=getattr(row, "rank", 0.0),
        )
        hit._reader = reader
        hits.append(hit)
    return hits


def _guarded(run):
    """A search that takes too long is cut, not left to hold a connection."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(TIMEOUT_MS)}")
        return run()


def search(
    articles, text: str, *, reader: str, category=None, limit: int = PAGE, offset: int = 0
) -> Results:
    """Articles of `articles` matching `text` (websearch syntax), best first."""
    text = clean(text)
    results = Results(query=text)
    if not text:
        return results
    reader = reader if reader in LANGUAGE_CODES else "en"
    queries = _queries(text, "websearch")

    def run():
        matching = _matching(_texts(articles, category), queries)
        counted = matching.values("article_id").distinct()[: COUNT_CAP + 1].count()
        results.total = min(counted, COUNT_CAP)
        results.capped = counted > COUNT_CAP
        if counted:
            # Enough rows that, once one text per article is kept, the page is full.
            window = (offset + limit) * 2 + 10
            ranked = list(_ranked(matching, queries, reader).defer("body", "search")[:window])
            rows = _best_per_article(ranked, reader, offset + limit)[offset:]
            results.hits = _hits(rows, queries, reader)
        else:
            _did_you_mean(results, articles, text, reader, category)
        return results

    try:
        return _guarded(run)
    except OperationalError:
        results.timed_out = True
        return results


def _did_you_mean(results: Results, articles, text: str, reader: str, category) -> None:
    """When nothing matches: titles close to the words typed (trigrams, so typos
    still meet), and the query with each word swapped for the closest title word."""
    words = _WORD.findall(text.lower())
    if not words:
        return
    words = words[:8]
    # A swapped pair of letters ("facutra") keeps only about a third of a word's
    # trigrams, "ruoter" two in seven: the default threshold (0.6) would miss
    # the commonest typos. Only titles are offered, and only when nothing matched.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.25")
    near = Q()
    for word in words:
        near |= Q(title__trigram_word_similar=word)
    similarity = sum(
        (TrigramWordSimilarity(Value(word), "title") for word in words[1:]),
        TrigramWordSimilarity(Value(words[0]), "title"),
    )
    close = list(
        _texts(articles, category)
        .filter(near)
        .annotate(similarity=similarity)
        .order_by("-similarity", "pk")
        .defer("body", "search")[:10]
    )
    close = _best_per_article(close, reader, 3)
    if not close:
        return
    vocabulary = {w for row in close for w in _WORD.findall(row.title.lower())}
    corrected = [
        (difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.6) or [word])[0]
        for word in words
    ]
    suggestion = " ".join(corrected)
    if suggestion != " ".join(words):
        results.did_you_mean = suggestion
    _with_articles(close)
    results.close = [
        Hit(article=row.article, text=row, snippet=snippet(row.summary), _reader=reader)
        for row in close
    ]


def suggest(articles, text: str, *, reader: str, linked=(), limit: int = SUGGESTIONS):
    """Articles for what a client is describing: those linked to the request type
    first, then the best matches of any of its words (a description is not a query)."""
    reader = reader if reader in LANGUAGE_CODES else "en"
    hits: list[Hit] = []
    linked_rows = list(
        ArticleTranslation.objects.filter(
            article__in=articles.filter(pk__in=list(linked)).values("pk")
        )
        .select_related("article__category")
        .defer("body", "search")
    )
    for row in _best_per_article(linked_rows, reader, limit):
        hits.append(Hit(row.article, row, snippet(row.summary), _reader=reader))
    words = list(dict.fromkeys(_WORD.findall(clean(text, 4000).lower())))[:SUGGESTION_WORDS]
    if words and len(hits) < limit:
        anywords = " | ".join(words)
        queries = _queries(anywords, "raw")
        taken = {hit.text.article_id for hit in hits}

        def run():
            matching = _matching(_texts(articles), queries).exclude(article_id__in=taken)
            ranked = list(_ranked(matching, queries, reader).defer("body", "search")[: limit * 3])
            return _best_per_article(ranked, reader, limit - len(hits))

        try:
            rows = _guarded(run)
        except OperationalError:
            rows = []
        if rows:
            _with_articles(rows)
            swaps = _reader_texts(rows, reader)
            for row in rows:
                text_row = swaps.get(row.article_id, row)
                hits.append(Hit(row.article, text_row, snippet(text_row.summary), _reader=reader))
    return hits
