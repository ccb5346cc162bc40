"""What the knowledge base admins share: the stylesheet, the texts' short reads and
the annotations the lists sort and filter by."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import Prefetch

from ..models import LANGUAGE_CODES, LANGUAGES, ArticleTranslation

ADMIN_CSS = {"all": ["knowledge/admin.css"]}
LANGUAGE_LABELS = dict(LANGUAGES)
# What a list of articles reads of their texts: never the bodies.
TEXT_HEADS = ("id", "article_id", "language", "title", "revision", "source_revision")


def text_heads():
    """The articles' texts without their bodies, for titles and stale languages."""
    return Prefetch("translations", queryset=ArticleTranslation.objects.only(*TEXT_HEADS))


def original_title():
    """The title in the article's original language (what staff sort the list by)."""
    return Subquery(
        ArticleTranslation.objects.filter(
            article=OuterRef("pk"), language=OuterRef("original_language")
        ).values("title")[:1]
    )


def original_revision():
    return Subquery(
        ArticleTranslation.objects.filter(
            article=OuterRef("pk"), language=OuterRef("original_language")
        ).values("revision")[:1]
    )


def stale_texts(language: str | None = None):
    """Articles with a text written from an older revision of the original; needs the
    `original_revision` annotation (`original_revision()`)."""
    texts = ArticleTranslation.objects.filter(
        article=OuterRef("pk"), source_revision__lt=OuterRef("original_revision")
    ).exclude(language=OuterRef("original_language"))
    if language:
        texts = texts.filter(language=language)
    return Exists(texts)


def complete_articles():
    """Ids of the articles written in every language."""
    return (
        ArticleTranslation.objects.order_by()
        .values("article_id")
        .annotate(texts=Count("pk"))
        .filter(texts__gte=len(LANGUAGE_CODES))
        .values("article_id")
    )


def count_of(queryset):
    """How many rows of `queryset` (filtered on OuterRef("pk")), as a subquery: lists
    count related rows this way so that two counts never multiply each other."""
    counted = queryset.order_by().values("article_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def language_codes(codes) -> str:
    return " ".join(code.upper() for code in codes) or "—"


class Refused(Exception):
    """A service refused part of a submission; raised to roll back the admin's whole save."""

    def __init__(self, field, error):
        super().__init__(error)
        self.field, self.error = field, error


@contextmanager
def refusal_goes_to(field):
    try:
        yield
    except ValidationError as error:
        raise Refused(field, error) from error
