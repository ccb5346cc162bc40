"""Knowledge base articles for tests, written through the services."""

from django.utils import timezone

from knowledge import services
from knowledge.models import Article, Category, Status, Visibility


def category(name="Connectivity", parent=None, **kwargs) -> Category:
    return Category.objects.create(name=name, parent=parent, **kwargs)


def article(
    texts: dict,
    *,
    in_category=None,
    status=Status.PUBLISHED,
    visibility=Visibility.ALL,
    organisations=(),
    service_kind="",
    original=None,
    publish_at=None,
    user=None,
) -> Article:
    """`texts`: {language: (title, body)} or {language: (title, summary, body)} or a dict."""
    made = Article.objects.create(
        category=in_category or Category.objects.first() or category(),
        status=status,
        visibility=visibility,
        service_kind=service_kind,
        original_language=original or next(iter(texts)),
        publish_at=publish_at or timezone.now() - timezone.timedelta(minutes=1),
    )
    made.organisations.set(organisations)
    for language, text in texts.items():
        if isinstance(text, tuple):
            text = dict(
                zip(
                    ("title", "summary", "body"),
                    text if len(text) == 3 else (text[0], "", text[1]),
                    strict=True,
                )
            )
        services.save_translation(
            article=made,
            language=language,
            title=text["title"],
            summary=text.get("summary", ""),
            body=text.get("body", ""),
            tags=text.get("tags", ""),
            user=user,
        )
    return made
