"""The articles' list: titles in their original language, where each stands, which
languages are written, missing or stale, and how readers take them; the filters,
and the "Publish" action (through services.publish, which announces once)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import services
from ..models import LANGUAGE_CODES, LANGUAGES, Feedback, Status
from .common import (
    complete_articles,
    count_of,
    language_codes,
    original_revision,
    original_title,
    stale_texts,
    text_heads,
)


class MissingLanguageFilter(admin.SimpleListFilter):
    title = gettext_lazy("missing language")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("any", gettext_lazy("Any language")), *LANGUAGES]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.exclude(pk__in=complete_articles())
        if value in LANGUAGE_CODES:
            return queryset.exclude(translations__language=value)
        return queryset


class StaleLanguageFilter(admin.SimpleListFilter):
    title = gettext_lazy("stale translation")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("any", gettext_lazy("Any language")), *LANGUAGES]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any" or value in LANGUAGE_CODES:
            language = None if value == "any" else value
            return queryset.annotate(original_revision=original_revision()).filter(
                stale_texts(language)
            )
        return queryset


class ArticleListMixin:
    list_display = [
        "title",
        "category",
        "status_shown",
        "visibility",
        "languages",
        "missing",
        "stale",
        "views",
        "helpful",
        "updated",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "visibility",
        "category",
        MissingLanguageFilter,
        StaleLanguageFilter,
        "original_language",
    ]
    list_select_related = ["category"]
    search_fields = ["translations__title", "translations__tags"]
    actions = ["publish_articles"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                original_title=original_title(),
                yes_count=count_of(Feedback.objects.filter(article=OuterRef("pk"), helpful=True)),
                no_count=count_of(Feedback.objects.filter(article=OuterRef("pk"), helpful=False)),
            )
            .prefetch_related(text_heads())
        )

    @admin.display(description=gettext_lazy("title"), ordering="original_title")
    def title(self, obj):
        if obj.original_title:
            return obj.original_title
        # Written in other languages only, or not at all yet.
        other = next(iter(obj.translations.all()), None)
        return other.title if other else _("(no text yet) #%(pk)s") % {"pk": obj.pk}

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, obj):
        if obj.status == Status.PUBLISHED and obj.publish_at > timezone.now():
            return format_html(
                '<span class="kb-status kb-status--scheduled">{}</span>',
                _("Scheduled for %(date)s")
                % {
                    "date": date_format(timezone.localtime(obj.publish_at), "SHORT_DATETIME_FORMAT")
                },
            )
        return format_html(
            '<span class="kb-status kb-status--{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, obj):
        present = {text.language for text in obj.translations.all()}
        return language_codes(code for code in LANGUAGE_CODES if code in present)

    @admin.display(description=gettext_lazy("missing"))
    def missing(self, obj):
        present = {text.language for text in obj.translations.all()}
        return language_codes(code for code in LANGUAGE_CODES if code not in present)

    @admin.display(description=gettext_lazy("stale"))
    def stale(self, obj):
        codes = services.stale_languages(obj)
        if not codes:
            return "—"
        return format_html('<span class="kb-stale">{}</span>', language_codes(codes))

    # Sorted by the "No" answers: the articles to look at first.
    @admin.display(description=gettext_lazy("helpful: yes / no"), ordering="-no_count")
    def helpful(self, obj):
        return f"{obj.yes_count} / {obj.no_count}"

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated(self, obj):
        return date_format(timezone.localtime(obj.updated_at), "SHORT_DATETIME_FORMAT")

    def changelist_view(self, request, extra_context=None):
        # Eleven columns need the page's width; the admin's other pages are a click away.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- Publishing ---

    @admin.action(description=gettext_lazy("Publish"), permissions=["change"])
    def publish_articles(self, request, queryset):
        """Drafts and archived articles go live (or at the future date already set);
        those already published stay as they are. Each through services.publish."""
        now = timezone.now()
        published = scheduled = 0
        empty = []
        # The changelist's queryset: the texts' titles come with it.
        for article in queryset.exclude(status=Status.PUBLISHED):
            when = article.publish_at if article.publish_at > now else None
            try:
                services.publish(article=article, user=request.user, when=when)
            except ValidationError:
                empty.append(str(article))
                continue
            if when:
                scheduled += 1
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d article published.", "%(count)d articles published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if scheduled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article scheduled for its publishing date.",
                    "%(count)d articles scheduled for their publishing dates.",
                    scheduled,
                )
                % {"count": scheduled},
                messages.SUCCESS,
            )
        if empty:
            self.message_user(
                request,
                _("Not published, as they have no text in any language yet: %(articles)s")
                % {"articles": ", ".join(empty)},
                messages.WARNING,
            )
        if not (published or scheduled or empty):
            self.message_user(request, _("The chosen articles were already published."))
