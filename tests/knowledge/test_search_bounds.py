"""What bounds a search's work (knowledge/search.py) keeps true: counts of articles,
not texts; "more than" only when it is so; the reader's language read first; the
snippet marked in Python from the query's own stems; nothing readable, no error."""

import pytest
from django.db import connection

from knowledge import search as search_module
from knowledge.models import Article
from knowledge.search import _passage, _stem_pattern, search, suggest
from tests.knowledge.factories import article


def _find(world, text, reader="es"):
    return search(
        Article.objects.visible_to(world.member, organisation=world.org), text, reader=reader
    )


def test_an_article_found_in_two_languages_counts_once(world):
    article(
        {
            "es": ("Reiniciar el router", "Apague el router y espere."),
            "en": ("Restart the router", "Switch the router off and wait."),
        }
    )
    results = _find(world, "router")
    assert (results.total, results.capped) == (1, False)
    assert [hit.text.language for hit in results.hits] == ["es"]


def test_more_than_the_cap_in_the_reader_language_alone(world, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    for n in range(3):
        article({"es": (f"Factura {n}", "Cómo leer la factura.")})
    results = _find(world, "factura")
    assert (results.total, results.capped) == (2, True)
    assert len(results.hits) == 3  # the page still shows what was read


def test_other_languages_count_when_the_reader_language_has_few(world, monkeypatch):
    article({"es": ("Factura anual", "La factura del año.")})
    for n in range(3):
        article({"en": (f"Invoice {n}", "How to read the invoice.")})
    results = _find(world, "invoice", reader="es")
    assert (results.total, results.capped) == (3, False)
    assert all(hit.other_language for hit in results.hits)
    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    results = _find(world, "invoice", reader="es")
    assert (results.total, results.capped) == (2, True)


def test_suggestions_look_in_other_languages_only_when_short(world):
    spanish = article({"es": ("Sin internet en la oficina", "Qué revisar primero.")})
    english = article({"en": ("No internet at the office", "What to check first.")})
    readable = Article.objects.visible_to(world.member, organisation=world.org)
    found = suggest(readable, "internet oficina", reader="es", limit=1)
    assert [hit.article for hit in found] == [spanish]
    found = suggest(readable, "internet oficina", reader="es", limit=2)
    assert [hit.article for hit in found] == [spanish, english]


def test_nothing_readable_finds_nothing(world):
    article({"es": ("Sin internet", "Qué revisar.")})
    for user in (world.agent, world.outsider):
        readable = Article.objects.visible_to(user, organisation=world.org)
        results = search(readable, "internet", reader="es")
        assert (results.hits, results.total, results.timed_out) == ([], 0, False)
        assert suggest(readable, "internet", reader="es") == []


def test_the_snippet_marks_the_words_found_in_the_body(world):
    article(
        {
            "pt": (
                "Quedas frequentes",
                "Resumo.",
                "Primeiro parágrafo sem nada. A conexão cai toda tarde e volta sozinha.",
            )
        }
    )
    hit = _find(world, "conexao", reader="pt").hits[0]
    assert "<mark>conexão</mark>" in hit.snippet


@pytest.mark.parametrize(
    ("body", "stems", "marked"),
    [
        ("La conexión se corta.", ["conexion"], "\x02conexión\x03"),
        ("CONEXÃO lenta", ["conexa"], "\x02CONEXÃO\x03"),
        ("Resetting routers", ["reset", "router"], "\x02Resetting\x03 \x02routers\x03"),
        ("preset", ["reset"], ""),  # a stem begins a word, never sits inside one
    ],
)
def test_passage_marks_words_beginning_with_a_stem(body, stems, marked):
    passage = _passage(body, _stem_pattern(stems))
    assert (marked in passage) if marked else passage == ""


def test_passage_of_a_long_text_starts_near_the_first_match():
    body = " ".join(["palabra"] * 400) + " router " + " ".join(["otra"] * 400)
    passage = _passage(body, _stem_pattern(["router"]))
    assert passage.startswith("… ") and passage.endswith(" …")
    assert "\x02router\x03" in passage
    assert len(passage.split()) <= 38


def test_the_search_settings_end_with_the_search_inside_a_callers_transaction(world):
    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    before = [setting(name) for name in ("statement_timeout", "enable_seqscan", "jit")]
    article({"es": ("Reiniciar el router", "Apague el router y espere.")})
    assert _find(world, "router").total == 1
    suggest(Article.objects.visible_to(world.member, organisation=world.org), "router", reader="es")
    # The test's transaction goes on, as a caller's would: back to what it had.
    assert [setting(name) for name in ("statement_timeout", "enable_seqscan", "jit")] == before
