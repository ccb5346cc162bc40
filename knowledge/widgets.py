"""The dashboard's help panel: a search box and the most read articles."""

from django.db.models import Prefetch
from django.utils.translation import get_language

from .models import Article, ArticleTranslation
from .reading import choose_text

SHOWN = 4


def help_panel(request, organisation):
    articles = (
        # The dashboard's organisation is one the reader acts for already.
        Article.objects.available_to(organisation)
        .order_by("-views", "pk")
        .prefetch_related(
            Prefetch("translations", queryset=ArticleTranslation.objects.defer("body", "search"))
        )[:SHOWN]
    )
    language = (get_language() or "en").split("-")[0]
    entries = [(a, t) for a in articles if (t := choose_text(a, language)) is not None]
    # An organisation with nothing to read gets no search box.
    return {"entries": entries} if entries else None
