"""Finding articles: full-text search in each article's language, suggestions from
what a client is typing, and "did you mean" when nothing matches.

Every query reads the stored vector of `ArticleTranslation` through its GIN index,
with the configuration of the text's own language (the same one that built the
vector), so "servidor caído" matches "servidores caidos" in Spanish and
"conexão" matches "conexao" in Portuguese. One statement covers the four
languages: the reader's first, then the other three (an OR of one branch each)
only while the reader's has found too few, and it ranks title and tags above the
summary, and the summary above the body; an article found in the reader's language
is preferred to the same article found in another. What may be found is always the
caller's `articles` queryset (`Article.objects.visible_to(...)`), joined in the query.

A broad query matches thousands of texts, and ranking reads each one's whole
vector: a search reads at most COUNT_CAP + 1 texts in the reader's language (or,
when it has fewer, up to three per article in the others) and ranks the first
RANKED of them. Below COUNT_CAP articles the count and the order are exact; above
it the count says "more than" and the page is the best of what was read. On the
bench's 100,000 texts this keeps a broad query at a quarter of the work it was.

The conditions and the rank are SQL written here rather than ORM expressions: the
four branches cost more to build in Python than to run (6 ms against 4 ms on the
bench's 100,000 texts). Snippets mark, in Python, the words of the page's texts that
begin with one of the query's lexemes in their language (PostgreSQL says which, in
one small query): `ts_headline` re-parsed every text shown, 0.4 ms per kilobyte.
Markers that cannot appear in text are placed first; the text is escaped and the
markers become <mark> afterwards.
"""

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.utils import OperationalError
from django.utils.safestring import SafeString, mark_safe

from accounts.configtext import ALL, column

from .models import LANGUAGE_CODES, SEARCH_CONFIGS, Article, ArticleTranslation

MAX_QUERY = 200
PAGE = 20
# Counting every match of a broad query costs more than it tells: "1000+".
COUNT_CAP = 1000
# A description matches on any of its words: its suggestions rank this many texts.
SUGGESTION_CANDIDATES = 500
# An article in the reader's language ranks this much above the same relevance
# in another language.
OWN_LANGUAGE_BOOST = 1.5
SUGGESTIONS = 5
SUGGESTION_WORDS = 16
TIMEOUT_MS = 2000
_START, _STOP = "\x02", "\x03"
_MARKDOWN = re.compile(r"[#|]+|!\[|\]\([^)]*\)|\[")
# Emphasis and code marks sit against their words ("**Conexión lenta**,"): removed,
# not turned into spaces.
_EMPHASIS = re.compile(r"[*_`]+")


def _unmark(text: str) -> str:
    return _MARKDOWN.sub(" ", _EMPHASIS.sub("", text))


_WORD = re.compile(r"[^\W_]+")
# A lexeme in a tsquery's text, not one it excludes: 'roj' in "'luz' & !'roj'".
_LEXEME = re.compile(r"(?<!!)'((?:[^']|'')+)'")


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


_FUNCTIONS = {"websearch": "websearch_to_tsquery", "raw": "to_tsquery"}
_TEXTS = ArticleTranslation._meta.db_table
# The language compared as an expression, not as the column: on the column the
# planner ANDs each branch's GIN scan with a whole scan of the (article, language)
# index, or, under a LIMIT, reads the table evaluating @@ on every text (the bench's
# "fatura": 215 ms, against 25 ms through the GIN index alone). An expression has a
# small default estimate, which keeps the GIN bitmap the plan.
_LANGUAGE = f'("{_TEXTS}"."language" || \'\')'


@dataclass(frozen=True)
class _Query:
    """What was typed, as a tsquery in each language's configuration: `websearch`
    syntax for a search box, `raw` only for tsquery text built here (suggestions)."""

    text: str
    search_type: str
    languages: tuple[str, ...] = tuple(SEARCH_CONFIGS)

    def _each(self, template: str) -> tuple[list[str], list]:
        function = _FUNCTIONS[self.search_type]
        parts, params = [], []
        for code in self.languages:
            parts.append(template.replace("TSQUERY", f"{function}(%s::regconfig, %s)"))
            params += [code, SEARCH_CONFIGS[code], self.text]
        return parts, params

    def match(self) -> RawSQL:
        """A text matches in its own language: one branch per language, each served by
        the GIN index."""
        parts, params = self._each(f'({_LANGUAGE} = %s AND "{_TEXTS}"."search" @@ TSQUERY)')
        # Only this module's constants are SQL; what was typed is a parameter.
        return RawSQL(" OR ".join(parts), params, output_field=BooleanField())  # noqa: S611

    def rank(self, reader: str, first: int) -> RawSQL:
        """Relevance in the text's own language (title and tags above the summary, the
        summary above the body), the reader's language boosted; 0 past the `first`
        rows the query returns (row_number() counts them as they come)."""
        parts, params = self._each(f'WHEN %s THEN ts_rank("{_TEXTS}"."search", TSQUERY)')
        sql = (
            f"CASE WHEN row_number() OVER () <= %s THEN "
            f'(CASE "{_TEXTS}"."language" {" ".join(parts)} ELSE 0 END) '
            f'* (CASE WHEN "{_TEXTS}"."language" = %s THEN %s ELSE 1.0 END) ELSE 0 END'
        )
        params = [first, *params, reader, OWN_LANGUAGE_BOOST]
        return RawSQL(sql, params, output_field=FloatField())  # noqa: S611

    def lexemes(self, languages) -> dict[str, list[str]]:
        """The stems each language's tsquery looks for (not those it excludes)."""
        languages = sorted(set(languages) & set(SEARCH_CONFIGS))
        if not languages:
            return {}
        function = _FUNCTIONS[self.search_type]
        columns = ", ".join(f"{function}(%s::regconfig, %s)::text" for _ in languages)
        params = [x for code in languages for x in (SEARCH_CONFIGS[code], self.text)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", params)
            found = cursor.fetchone()
        return {
            code: [stem.replace("''", "'") for stem in _LEXEME.findall(tsquery or "")]
            for code, tsquery in zip(languages, found, strict=True)
        }


def _queries(text: str, search_type: str) -> _Query:
    return _Query(text, search_type)


def _matching(texts, query: _Query):
    return texts.filter(query.match())


# Ranking reads each text's whole vector (5 µs a text): only the first texts read are
# ranked, so the page of a broad query is the best of those, not of every match.
RANKED = 1000


class _Row(NamedTuple):
    pk: int
    article_id: int
    language: str
    rank: float


@dataclass
class _Found:
    rows: list  # best first
    own: int  # texts read in the reader's language
    others: int  # and in the others


def _candidates(texts, text, search_type, reader, *, own, others, widen_below, ranked=RANKED):
    """The texts of `texts` matching `text`: up to `own` in the reader's language,
    then, only while those are fewer than `widen_below`, up to `others` in the other
    languages; the first `ranked` of each ranked, best first (ties to the newest
    article). One statement: the other languages' part is skipped by PostgreSQL when
    the reader's already has enough (a broad query reads a quarter of what it did).
    Unordered in SQL: an ORDER BY rank would rank every match before a LIMIT could
    stop the scan."""
    if texts.query.is_empty():
        return _Found([], 0, 0)
    languages = [code for code in SEARCH_CONFIGS if code != reader]

    def part(query, limit):
        return (
            _matching(texts, query)
            .order_by()
            .annotate(rank=query.rank(reader, ranked))
            .values_list("pk", "article_id", "language", "rank")[:limit]
            .query.sql_with_params()
        )

    own_sql, own_params = part(_Query(text, search_type, (reader,)), own)
    others_sql, others_params = part(_Query(text, search_type, tuple(languages)), others)
    with connection.cursor() as cursor:
        # Both parts are compiled by Django, with their values as parameters.
        cursor.execute(
            f"WITH own AS MATERIALIZED ({own_sql}) SELECT * FROM own UNION ALL "  # noqa: S608
            f"SELECT * FROM ({others_sql}) AS others WHERE (SELECT count(*) FROM own) < %s",
            [*own_params, *others_params, widen_below],
        )
        found = [_Row(*values) for values in cursor.fetchall()]
    mine = sum(1 for row in found if row.language == reader)
    found.sort(key=lambda row: (-row.rank, -row.article_id, row.pk))
    return _Found(found, mine, len(found) - mine)


def _texts(articles, category=None):
    """The texts of `articles`. The articles' rule (visible_to's) is compiled once here,
    not again in each of the queries that read these texts."""
    try:
        sql, params = articles.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # Article.objects.none(): nobody's articles
        return ArticleTranslation.objects.none()
    # Compiled by Django, with its values as parameters.
    readable = f'"{_TEXTS}"."article_id" IN ({sql})'
    texts = ArticleTranslation.objects.filter(
        RawSQL(readable, params, output_field=BooleanField())  # noqa: S611
    )
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
    """A marked passage (or a plain summary), escaped, with its markers as <mark>."""
    text = _unmark(marked or "")
    text = " ".join(text.split())
    escaped = html.escape(text)
    return mark_safe(  # noqa: S308 - escaped just above; only the markers become tags
        escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


# The letters unaccent folds into each base letter, for matching stems in a text as
# it is written ("conexa" in "Conexão").
_ACCENTED = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõö",
    "u": "uùúûü",
    "y": "yýÿ",
}


def _stem_pattern(stems: list[str]):
    """A word beginning with one of `stems`, whatever its case and accents."""
    stems = [stem for stem in stems if stem]
    if not stems:
        return None
    alternatives = [
        "".join(f"[{_ACCENTED[ch]}]" if ch in _ACCENTED else re.escape(ch) for ch in stem)
        for stem in sorted(set(stems), key=len, reverse=True)
    ]
    return re.compile(rf"\b(?:{'|'.join(alternatives)})", re.IGNORECASE)


def _passage(body: str, pattern) -> str:
    """Up to 35 words of `body` from a little before the first word `pattern` finds
    (_stem_pattern), every such word between the markers; "" when there is none. Only
    the few hundred characters around the first one are read."""
    first_match = pattern.search(body or "") if pattern is not None else None
    if first_match is None:
        return ""
    start = max(first_match.start() - 100, 0)
    plain = " ".join(_unmark(body[start : first_match.start() + 400]).split())
    starts = {match.start() for match in pattern.finditer(plain)}
    words = list(_WORD.finditer(plain))
    found = {index for index, word in enumerate(words) if word.start() in starts}
    if not found:
        return ""
    first = max(min(found) - 8, 0)
    last = min(first + 35, len(words)) - 1
    marked, cursor = [], words[first].start()
    for index in range(first, last + 1):
        word = words[index]
        marked.append(plain[cursor : word.start()])
        marked.append(f"{_START}{word.group()}{_STOP}" if index in found else word.group())
        cursor = word.end()
    before = "… " if start or first else ""
    after = " …" if last < len(words) - 1 or start + len(plain) < len(body) else ""
    return before + "".join(marked) + after


# What a hit shows: its text's title and summary, its article's link and category.
_HIT_FIELDS = (
    "pk",
    "article_id",
    "language",
    "title",
    "summary",
    "article__category_id",
    *(f"article__category__{column('name', code)}" for code in ALL),
)


def _page_texts(rows, with_body: bool = False) -> list:
    """The texts of `rows`, in their order, with their article and category, in one
    query of the columns a hit shows (a third of the time of whole rows)."""
    if not rows:
        return []
    texts = (
        ArticleTranslation.objects.filter(pk__in=[row.pk for row in rows])
        .select_related("article__category")
        .order_by()
        .only(*_HIT_FIELDS, *(("body",) if with_body else ()))
    )
    by_pk = {text.pk: text for text in texts}
    return [by_pk[row.pk] for row in rows if row.pk in by_pk]


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


def _hits(rows, query: _Query, reader: str) -> list[Hit]:
    texts = _page_texts(rows, with_body=True)
    ranks = {row.pk: row.rank for row in rows}
    patterns = {
        code: _stem_pattern(stems)
        for code, stems in query.lexemes(text.language for text in texts).items()
    }
    swaps = _reader_texts(texts, reader)
    hits = []
    for found in texts:
        text = swaps.get(found.article_id, found)
        passage = _passage(found.body, patterns.get(found.language)) if text is found else ""
        hit = Hit(
            article=found.article,
            text=text,
            snippet=snippet(passage or text.summary),
            rank=ranks.get(found.pk, 0.0),
        )
        hit._reader = reader
        hits.append(hit)
    return hits


def _guarded(run):
    """A search that takes too long is cut, not left to hold a connection. Its plans
    go through the GIN index: under a LIMIT the planner finds a sequential scan
    cheap, not knowing that each @@ decompresses a whole vector (a suggestion of
    five common words: 40 ms), and a JIT compilation costs more than such a query.

    `run` only reads, and its transaction is rolled back: inside a caller's transaction
    (a test's) it is a savepoint, which a release would leave these settings on for
    whatever the caller does next, down to the deferred foreign-key checks."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SET LOCAL statement_timeout = {int(TIMEOUT_MS)}; "
                "SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
            )
        found = run()
        transaction.set_rollback(True)
        return found


def search(
    articles, text: str, *, reader: str, category=None, limit: int = PAGE, offset: int = 0
) -> Results:
    """Articles of `articles` matching `text` (websearch syntax), best first."""
    text = clean(text)
    results = Results(query=text)
    if not text:
        return results
    reader = reader if reader in LANGUAGE_CODES else "en"

    def run():
        # An article has one text per language: more texts than COUNT_CAP in one
        # language, or than this in the other three, are more than COUNT_CAP articles.
        others = (len(LANGUAGE_CODES) - 1) * (COUNT_CAP + 1)
        found = _candidates(
            _texts(articles, category),
            text,
            "websearch",
            reader,
            own=COUNT_CAP + 1,
            others=others,
            widen_below=COUNT_CAP + 1,
        )
        if found.own > COUNT_CAP or found.others >= others:
            counted = COUNT_CAP + 1
        else:
            counted = len({row.article_id for row in found.rows})
        results.total = min(counted, COUNT_CAP)
        results.capped = counted > COUNT_CAP
        if found.rows:
            page = _best_per_article(found.rows, reader, offset + limit)[offset:]
            results.hits = _hits(page, _queries(text, "websearch"), reader)
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
    corrections = {}
    # Words left out on purpose (-word) and the "or" operator are not typos to fix.
    kept = {"or", *(word.lower() for word in re.findall(r"-([^\W_]+)", text))}
    for word in words:
        if word in kept:
            continue
        best = (difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.6) or [word])[0]
        if best != word:
            corrections[word] = best
    if corrections:
        # Each word swapped where it was typed: "phrases", -exclusions and "or" stay.
        results.did_you_mean = _WORD.sub(
            lambda typed: corrections.get(typed.group().lower(), typed.group()), text
        )
    _with_articles(close)
    # A title in the reader's language when the article has one.
    swaps = _reader_texts(close, reader)
    results.close = []
    for row in close:
        shown = swaps.get(row.article_id, row)
        results.close.append(
            Hit(article=row.article, text=shown, snippet=snippet(shown.summary), _reader=reader)
        )


def suggest(articles, text: str, *, reader: str, linked=(), limit: int = SUGGESTIONS):
    """Articles for what a client is describing: those linked to the request type
    first, then the best matches of any of its words (a description is not a query),
    in the reader's language first: a description's common words match thousands of
    texts in every language, and looking in the others only when the reader's has
    too few makes the usual case a quarter of the work."""
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
        taken = {hit.text.article_id for hit in hits}

        def run():
            wanted = limit - len(hits)
            found = _candidates(
                _texts(articles).exclude(article_id__in=taken),
                anywords,
                "raw",
                reader,
                own=SUGGESTION_CANDIDATES,
                others=SUGGESTION_CANDIDATES,
                widen_below=wanted,
            )
            return _best_per_article(found.rows, reader, wanted)

        try:
            rows = _guarded(run)
        except OperationalError:
            rows = []
        texts = _page_texts(rows)
        swaps = _reader_texts(texts, reader)
        for found in texts:
            text_row = swaps.get(found.article_id, found)
            hits.append(Hit(found.article, text_row, snippet(text_row.summary), _reader=reader))
    return hits
