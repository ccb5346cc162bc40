"""What readers' use of the knowledge base records, read-only: their feedback, the
searches and the visits to the new-ticket form (the services write them). Who
answered or visited is left out of these pages: they are about the articles."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, admin_link

from ..models import ArticleTranslation, Deflection, Feedback, SearchLog
from .common import TEXT_HEADS


def _titles_of(relation: str) -> Prefetch:
    """The texts' titles of the article a row names, without their bodies (its name)."""
    return Prefetch(
        f"{relation}__translations", queryset=ArticleTranslation.objects.only(*TEXT_HEADS)
    )


def _article_link(article):
    return admin_link(article) if article is not None else "—"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The date opens the record: the article's own link sits in the next column.
    list_display = ["updated_at", "article_link", "helpful", "comment", "organisation", "language"]
    list_filter = ["helpful", "language"]
    list_select_related = ["article", "organisation"]
    search_fields = ["comment", "organisation__name"]
    date_hierarchy = "updated_at"
    exclude = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(_titles_of("article"))

    @admin.display(description=_("article"), ordering="article")
    def article_link(self, obj):
        return _article_link(obj.article)


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "query",
        "language",
        "results",
        "clicked_link",
        "source",
        "organisation",
        "created_at",
    ]
    list_filter = ["source", "language", ("clicked", admin.EmptyFieldListFilter)]
    list_select_related = ["clicked", "organisation"]
    search_fields = ["normalised", "organisation__name"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(_titles_of("clicked"))

    @admin.display(description=_("opened"), ordering="clicked")
    def clicked_link(self, obj):
        return _article_link(obj.clicked)


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "organisation",
        "request_type",
        "outcome",
        "shown_count",
        "opened_count",
        "solved_link",
        "settled_at",
    ]
    list_filter = ["outcome", "request_type"]
    list_select_related = ["organisation", "request_type", "solved_by"]
    search_fields = ["organisation__name"]
    date_hierarchy = "started_at"
    exclude = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(_titles_of("solved_by"))

    @admin.display(description=_("articles shown"))
    def shown_count(self, obj):
        return len(obj.shown)

    @admin.display(description=_("articles opened"))
    def opened_count(self, obj):
        return len(obj.opened)

    @admin.display(description=_("solved by"), ordering="solved_by")
    def solved_link(self, obj):
        return _article_link(obj.solved_by)
