"""The bench's knowledge base (bench/seed_knowledge.py) at a small size, and its search
measure (bench/kb_search.py): texts in every language as the services would leave
them, the generated vectors filled in, idempotent, topped up, and the measure's
figures for every query."""

import pytest

from bench import kb_search, seed, seed_knowledge, seed_wishes
from knowledge.models import LANGUAGE_CODES, Article, ArticleTranslation, Status, Visibility
from knowledge.search import search


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(seed, "ORGANISATIONS", 3)
    monkeypatch.setattr(seed, "MEMBERS_PER_ORG", 4)
    monkeypatch.setattr(seed, "EVENTS_PER_ORG", 8)
    monkeypatch.setattr(seed, "AGENTS", 2)
    monkeypatch.setattr(seed, "CHUNK", 150)
    monkeypatch.setattr(seed_wishes, "WISHES", 30)
    monkeypatch.setattr(seed_knowledge, "ARTICLES", 60)
    monkeypatch.setattr(seed_knowledge, "CHUNK", 25)  # several COPY rounds
    # Enough of each kind at this size.
    monkeypatch.setattr(seed_knowledge, "INTERNAL", 0.15)
    monkeypatch.setattr(seed_knowledge, "LIMITED", 0.15)


def _bench_articles():
    return Article.objects.filter(pk__in=seed_knowledge.bench_texts().values("article"))


@pytest.mark.django_db
def test_knowledge_seed_is_consistent_and_idempotent(small):
    dataset, _personas = seed.seed(tickets=100)
    texts = seed_knowledge.bench_texts()
    assert dataset["knowledge_texts"] == texts.count() == 240
    articles = _bench_articles()
    assert articles.count() == 60
    for article in articles.prefetch_related("translations"):
        assert sorted(t.language for t in article.translations.all()) == sorted(LANGUAGE_CODES)
        assert article.status == Status.PUBLISHED
        assert article.category.parent_id is not None  # a subcategory, as staff file them
        if article.visibility == Visibility.ORGANISATIONS:
            assert article.organisations.filter(slug__startswith="bench-").count() == 1
        else:
            assert not article.organisations.exists()
    assert {a.visibility for a in articles} == set(Visibility.values)
    # The stored vector is PostgreSQL's own, in each text's language.
    assert not texts.filter(search__isnull=True).exists()
    spanish = texts.filter(language="es").first()
    assert (
        search(Article.objects.filter(pk=spanish.article_id), spanish.title, reader="es").total == 1
    )

    assert seed_knowledge.seed() is False  # already there: nothing added
    assert texts.count() == 240
    assert seed_knowledge.seed(70) is True  # topped up
    assert texts.count() == 280
    assert ArticleTranslation.objects.filter(pk__in=texts.values("pk")).count() == 280


@pytest.mark.django_db
def test_knowledge_search_measure_reports_every_query(small, monkeypatch):
    monkeypatch.setattr(kb_search, "REPEAT", 2)
    monkeypatch.setattr(kb_search, "SUGGEST_REPEAT", 2)
    monkeypatch.setattr(kb_search, "WARMUP", 1)
    _dataset, personas = seed.seed(tickets=100)
    measured = kb_search.run(personas)
    assert measured["texts"] == 240
    sets = measured["sets"]
    assert [len(sets[name]["queries"]) for name in ("selective", "broad")] == [
        len(kb_search.SELECTIVE),
        len(kb_search.BROAD),
    ]
    typed = sum(len(description.split()) for _language, description in kb_search.DESCRIPTIONS)
    assert len(sets["suggestions"]["queries"]) == typed
    for measure in sets.values():
        assert 0 < measure["p50_ms"] <= measure["p99_ms"]
    broad = {row["query"]: row for row in sets["broad"]["queries"]}
    assert broad["internet"]["matching_texts"] > 0
    assert set(measured["goals_met"]) == {"selective", "broad"}
    assert "selective" in kb_search.table(measured)
