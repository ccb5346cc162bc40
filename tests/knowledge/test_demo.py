"""The knowledge base's demo (knowledge/demo/): a help centre in the organisations'
languages with every case the pages and the staff report show, told at its own
moments, and loaded once."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from activity.models import Event
from knowledge.demo import DOCS
from knowledge.markdown import render
from knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    Deflection,
    Feedback,
    SearchLog,
    Status,
    Visibility,
)
from knowledge.reading import attachment_urls
from knowledge.services import stale_languages

pytestmark = pytest.mark.django_db


def _load_demo():
    import_module("tickets.migrations.0002_categories").add_categories(apps, None)
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _counts():
    models = (Article, ArticleTranslation, ArticleVersion, Feedback, SearchLog, Deflection)
    announced = Event.objects.filter(verb="article_published")
    return (*(model.objects.count() for model in models), announced.count())


def test_demo_help_centre(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _load_demo()
    first = _counts()
    _load_demo()
    assert _counts() == first
    now = timezone.now()

    articles = Article.objects.prefetch_related("translations")
    assert articles.count() == len(DOCS) >= 30
    languages = [sorted(t.language for t in a.translations.all()) for a in articles]
    assert sum(langs == ["en", "es", "fr", "pt"] for langs in languages) >= 25
    assert ["en", "es"] in languages  # some only in Spanish and English: the fallback note

    live = Article.objects.published(now)
    assert live.filter(visibility=Visibility.INTERNAL).count() == 1
    limited = live.get(visibility=Visibility.ORGANISATIONS)
    assert list(limited.organisations.values_list("slug", flat=True)) == ["andes-fibra"]
    assert Article.objects.filter(status=Status.DRAFT).count() == 1
    scheduled = Article.objects.get(status=Status.PUBLISHED, publish_at__gt=now)
    assert scheduled.announced_at is None
    # One original saved again after its translations; Portuguese not brought up to date.
    assert [stale for a in articles if (stale := stale_languages(a))] == [["pt"]]
    # Told to each organisation that may read it, in the past; never the scheduled one.
    announced = Event.objects.filter(verb="article_published")
    assert not announced.filter(created_at__gt=now).exists()
    assert not announced.filter(data__article=scheduled.pk).exists()
    assert announced.filter(data__article=limited.pk).count() == 1
    for model, column in ((ArticleVersion, "created_at"), (ArticleTranslation, "updated_at")):
        assert not model.objects.filter(**{f"{column}__gt": now}).exists()

    # Bodies with headings (some with contents), tables, code and the drawn picture.
    rendered = {
        (text.article_id, text.language): render(text.body, attachment_urls(text.article))
        for text in ArticleTranslation.objects.select_related("article")
    }
    assert sum(bool(r.toc) for r in rendered.values()) >= 20
    assert any("<table" in r.html for r in rendered.values())
    assert any("<pre" in r.html for r in rendered.values())
    pictures = [r for r in rendered.values() if "<img" in r.html]
    assert len(pictures) == 4  # one article, four languages
    assert all('src="/help/articles/' in r.html for r in pictures)
    french = ArticleTranslation.objects.filter(language="fr").values_list("body", flat=True)
    assert any("\u00a0:" in body for body in french)  # French spacing

    # Linked to request types and to each other.
    assert Article.request_types.through.objects.count() >= 20
    assert Article.related.through.objects.count() >= 40

    # What readers did, for the staff report.
    assert Article.objects.filter(views__gt=0).count() >= 30
    refusals = Feedback.objects.filter(helpful=False).select_related("organisation")
    assert refusals.count() >= 5
    assert all(f.comment for f in refusals)
    assert {f.organisation.default_language for f in refusals} == {"es", "pt", "fr", "en"}
    empty = SearchLog.objects.filter(results=0)
    assert {log.language for log in empty} >= {"es", "pt", "fr", "en"}
    assert SearchLog.objects.filter(clicked__isnull=False).exists()
    assert not SearchLog.objects.filter(created_at__gt=now).exists()
    outcomes = set(Deflection.objects.values_list("outcome", flat=True))
    assert outcomes >= {"solved", "deflected", "ticket", "nothing"}
    assert not Deflection.objects.filter(started_at__gt=now).exists()
