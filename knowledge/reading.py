"""An article as one reader sees it: which language's text, rendered, with what around it.

Shared by the portal's article page and the staff preview, so that staff see
exactly what a client of an organisation would.
"""

from dataclasses import dataclass

from accounts.configtext import fallback_order

from .markdown import Rendered, render
from .models import Article, ArticleTranslation

RELATED_SHOWN = 5


@dataclass
class Reading:
    article: Article
    text: ArticleTranslation
    rendered: Rendered
    # The reader's language has no text: this is another one.
    fallback: bool
    related: list


def choose_text(article: Article, language: str) -> ArticleTranslation | None:
    """The reader's language, else their organisation's, English, then any."""
    texts = {text.language: text for text in article.translations.all()}
    for code in fallback_order(language):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()), None)


def attachment_urls(article: Article) -> dict[str, str]:
    return {item.name: item.get_absolute_url() for item in article.attachments.all()}


def read(article: Article, language: str, readable) -> Reading | None:
    """`readable`: the articles this reader may open (for the related ones)."""
    text = choose_text(article, language)
    if text is None:
        return None
    related = []
    for other in (
        readable.filter(pk__in=article.related.values("pk"))
        .prefetch_related("translations")
        .order_by("-views", "pk")[:RELATED_SHOWN]
    ):
        other_text = choose_text(other, language)
        if other_text is not None:
            related.append((other, other_text))
    return Reading(
        article=article,
        text=text,
        rendered=render(text.body, attachment_urls(article)),
        fallback=text.language != language,
        related=related,
    )
