"""The search itself: stemming and accents per language, syntax, typos, ranking,
visibility and snippets, on real PostgreSQL vectors."""

import re

import pytest

from knowledge.models import Article, Status, Visibility
from knowledge.search import normalise, search, snippet, suggest
from tests.knowledge.factories import article


def _titles(results):
    return [hit.text.title for hit in results.hits]


def _find(world, text, reader="es", user=None, **kwargs):
    articles = Article.objects.visible_to(user or world.member, organisation=world.org)
    return search(articles, text, reader=reader, **kwargs)


@pytest.fixture
def library(world):
    return {
        "caidos": article(
            {"es": ("Servidores caidos en la red", "Qué hacer si los servidores no responden.")}
        ),
        "conexao": article(
            {"pt": ("Conexao lenta", "Quando a conexao fica lenta, reinicie o roteador.")}
        ),
        "router": article(
            {"en": ("Resetting your router", "Hold the reset button for ten seconds.")}
        ),
        "factura": article(
            {"es": ("Tu factura mensual", "Cómo leer la factura y pagarla en línea.")}
        ),
        "fr": article({"fr": ("Problème de connexion", "Vérifiez le câble déjà branché.")}),
    }


def test_spanish_stemming_and_accents(world, library):
    assert _titles(_find(world, "servidor caído")) == ["Servidores caidos en la red"]


def test_portuguese_accents(world, library):
    assert _titles(_find(world, "conexão", reader="pt")) == ["Conexao lenta"]


def test_english_stemming(world, library):
    assert _titles(_find(world, "resets routers", reader="en")) == ["Resetting your router"]


def test_french_accents_both_ways(world, library):
    assert _titles(_find(world, "probleme connexion", reader="fr")) == ["Problème de connexion"]
    assert _titles(_find(world, "cable deja", reader="fr")) == ["Problème de connexion"]


def test_phrase_and_negation(world, library):
    article({"es": ("Factura electrónica", "La factura electrónica llega por correo.")})
    assert set(_titles(_find(world, "factura"))) == {"Tu factura mensual", "Factura electrónica"}
    assert _titles(_find(world, "factura -electrónica")) == ["Tu factura mensual"]
    assert _titles(_find(world, '"factura electrónica"')) == ["Factura electrónica"]
    assert set(_titles(_find(world, "factura or servidores"))) == {
        "Tu factura mensual",
        "Factura electrónica",
        "Servidores caidos en la red",
    }


def test_title_ranks_above_body(world):
    article({"es": ("Cambiar la contraseña", "Entra en tu perfil y elige una nueva.")})
    article({"es": ("Tu perfil", "Desde aquí también puedes cambiar la contraseña del wifi.")})
    assert _titles(_find(world, "contraseña")) == ["Cambiar la contraseña", "Tu perfil"]


def test_reader_language_first_for_the_same_article(world):
    article(
        {
            "en": ("Telegram linking", "Link your Telegram account to get messages."),
            "es": ("Vincular Telegram", "Vincula tu cuenta de Telegram para recibir mensajes."),
        }
    )
    results = _find(world, "telegram", reader="es")
    assert [(hit.text.language, hit.other_language) for hit in results.hits] == [("es", False)]
    results = _find(world, "telegram", reader="fr")
    assert len(results.hits) == 1 and results.hits[0].other_language


def test_typo_gives_did_you_mean_and_close_matches(world, library):
    results = _find(world, "facutra mensul")
    assert results.hits == []
    assert results.did_you_mean == "factura mensual"
    assert [hit.text.title for hit in results.close] == ["Tu factura mensual"]


def test_no_did_you_mean_without_a_close_title(world, library):
    results = _find(world, "xylophone")
    assert (results.hits, results.did_you_mean, results.close) == ([], "", [])


def test_category_filter(world, library):
    from tests.knowledge.factories import category

    billing = category("Billing")
    sub = category("Invoices", parent=billing)
    article({"es": ("Factura anual", "La factura del año.")}, in_category=sub)
    assert _titles(_find(world, "factura", category=billing)) == ["Factura anual"]


@pytest.mark.parametrize("where", ["internal", "other_org", "draft", "archived", "scheduled"])
def test_hidden_articles_are_never_found(world, where):
    hidden = {
        "internal": {"visibility": Visibility.INTERNAL},
        "other_org": {"visibility": Visibility.ORGANISATIONS, "organisations": [world.other_org]},
        "draft": {"status": Status.DRAFT},
        "archived": {"status": Status.ARCHIVED},
        "scheduled": {
            "publish_at": __import__("django.utils.timezone").utils.timezone.now()
            + __import__("datetime").timedelta(days=1)
        },
    }[where]
    secret = article({"es": ("Procedimiento secreto de routers", "Solo para el equipo.")}, **hidden)
    article({"es": ("Routers para todos", "Procedimiento público.")})
    assert _titles(_find(world, "procedimiento routers")) == ["Routers para todos"]
    assert [hit.text.title for hit in _find(world, "procedimento secreto routrs").close] in (
        [],
        ["Routers para todos"],
    )
    found = suggest(
        Article.objects.visible_to(world.member, organisation=world.org),
        "procedimiento secreto routers",
        reader="es",
        linked=[secret.pk],
    )
    assert [hit.text.title for hit in found] == ["Routers para todos"]


def test_organisation_limited_article_is_found_by_its_organisation(world):
    article(
        {"es": ("Red privada del cliente", "Configuración de la VPN.")},
        visibility=Visibility.ORGANISATIONS,
        organisations=[world.org],
    )
    assert _titles(_find(world, "vpn")) == ["Red privada del cliente"]
    theirs = Article.objects.visible_to(world.outsider, organisation=world.other_org)
    assert search(theirs, "vpn", reader="en").hits == []


def test_service_kind_limits_to_organisations_with_that_service(world):
    from contracts.models import Service

    article(
        {"es": ("Configurar el switch gestionado", "Puertos y VLAN.")},
        visibility=Visibility.ORGANISATIONS,
        service_kind="Networking",
    )
    assert _titles(_find(world, "vlan")) == []
    Service.objects.create(organisation=world.org, name="LAN", kind="networking")
    assert _titles(_find(world, "vlan")) == ["Configurar el switch gestionado"]


def test_staff_and_strangers_find_nothing_through_visible_to(world, library):
    assert Article.objects.visible_to(world.agent).count() == 0
    assert Article.objects.visible_to(world.member, organisation=world.other_org).count() == 0


def test_snippet_escapes_before_marking(world):
    article(
        {
            "es": (
                "Errores del navegador",
                "Si ves <script>alert(1)</script> en la página, avísanos.",
            )
        }
    )
    hit = _find(world, "navegador página").hits[0]
    # ts_headline drops what looks like a tag; whatever stays is escaped text.
    assert set(re.findall(r"<[^>]*>", hit.snippet)) == {"<mark>", "</mark>"}
    assert "alert(1)" in hit.snippet


def test_snippet_of_marker_free_text_is_plain():
    assert snippet("a <b> & \x02c\x03") == "a &lt;b&gt; &amp; <mark>c</mark>"


def test_bad_syntax_never_fails(world, library):
    for text in ['"', "-", "or or", "((", "a:*", "'", "!!", "&|"]:
        assert _find(world, text).timed_out is False


def test_counts_are_capped(world, library, monkeypatch):
    from knowledge import search as search_module

    monkeypatch.setattr(search_module, "COUNT_CAP", 1)
    article({"es": ("Otra factura", "Más sobre la factura.")})
    results = _find(world, "factura")
    assert (results.total, results.capped) == (1, True)


def test_suggestions_match_any_word_of_a_description(world, library):
    found = suggest(
        Article.objects.visible_to(world.member, organisation=world.org),
        "No tengo internet desde ayer, los servidores parecen caídos",
        reader="es",
    )
    assert [hit.text.title for hit in found][:1] == ["Servidores caidos en la red"]


def test_suggestions_put_linked_articles_first(world, library):
    found = suggest(
        Article.objects.visible_to(world.member, organisation=world.org),
        "servidores caídos",
        reader="es",
        linked=[library["factura"].pk],
    )
    assert [hit.text.title for hit in found] == [
        "Tu factura mensual",
        "Servidores caidos en la red",
    ]


def test_normalise_groups_spellings():
    assert normalise("  Conexão   LENTA ") == normalise("conexao lenta") == "conexao lenta"


def test_selective_query_reads_the_gin_index(world, library):
    from django.db import connection

    from knowledge.models import ArticleTranslation
    from knowledge.search import _matching, _queries

    with connection.cursor() as cursor:
        # Enough texts in each language that reading them all would cost more.
        cursor.execute(
            """
            INSERT INTO knowledge_article (category_id, status, publish_at, visibility,
                service_kind, original_language, views, created_at, updated_at)
            SELECT %s, 'published', now(), 'all', '', 'es', 0, now(), now()
            FROM generate_series(1, 1000)
            """,
            [library["router"].category_id],
        )
        cursor.execute(
            """
            INSERT INTO knowledge_articletranslation (article_id, language, title, summary,
                body, tags, revision, source_revision, updated_at)
            SELECT a.id, l, 'Texto ' || a.id, '', 'palabras comunes', '', 1, 1, now()
            FROM knowledge_article a CROSS JOIN unnest(ARRAY['es','en','pt','fr']) AS l
            WHERE NOT EXISTS (SELECT FROM knowledge_articletranslation t WHERE t.article_id = a.id)
            """
        )
        # New rows wait in the GIN index's pending list (read in full by every scan,
        # and costed so) until a VACUUM merges them: merge them now, as it would.
        cursor.execute("SELECT gin_clean_pending_list('kb_text_search'::regclass)")
        cursor.execute("ANALYZE knowledge_articletranslation")
        # Still small enough that a sequential scan wins; what matters is that
        # the index serves every language's branch.
        cursor.execute("SET LOCAL enable_seqscan = off")
    matching = _matching(ArticleTranslation.objects.order_by(), _queries("router", "websearch"))
    plan = matching.explain()
    assert "kb_text_search" in plan


def test_swapped_letters_are_forgiven(world, library):
    results = _find(world, "ruoter", reader="en")
    assert results.did_you_mean == "router"
    assert [hit.text.title for hit in results.close] == ["Resetting your router"]


def test_did_you_mean_keeps_the_query_syntax(world, library):
    results = _find(world, '"facutra mensul" -anual', reader="es")
    assert results.did_you_mean == '"factura mensual" -anual'


def test_close_titles_in_the_readers_language(world):
    article({"en": ("Router restart", "Unplug it."), "es": ("Reinicio del módem", "Desenchufa.")})
    results = _find(world, "ruoter", reader="es")
    assert [(hit.text.language, hit.text.title) for hit in results.close] == [
        ("es", "Reinicio del módem")
    ]


def test_snippets_drop_markdown_marks_without_gaps():
    assert snippet("(**Conexión lenta**, `ping` | [guía](https://x.test)") == (
        "(Conexión lenta, ping guía"
    )
