"""Categories of the knowledge base: one level of nesting (Category.clean), in the
order staff give them, each with its icon and its name and description in every
portal language."""

from django import forms
from django.contrib import admin
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.configtext import LANGS
from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets

from ..models import Category
from .common import ADMIN_CSS

TRANSLATED = [f"{field}_{lang}" for field in ("name", "description") for lang in LANGS]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["parent", "icon", "order", "name", "description", *TRANSLATED]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            # Only a top-level category may hold others, and never itself.
            parents = Category.objects.filter(parent__isnull=True)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = parents


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", _("Top level")), ("sub", _("Subcategories"))]

    def queryset(self, request, queryset):
        if self.value() in ("top", "sub"):
            return queryset.filter(parent__isnull=self.value() == "top")
        return queryset


class OrderForm(forms.ModelForm):
    """A row of the list, whose order is edited in place: each field says whose it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].widget.attrs["aria-label"] = _("Order of %(name)s") % {
            "name": self.instance.tr("name")
        }


@admin.register(Category)
class CategoryAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    form = CategoryForm
    list_display = ["tree_name", "parent", "icon", "order", "article_count", "missing_languages"]
    list_editable = ["order"]
    list_filter = [LevelFilter, "icon"]
    list_select_related = ["parent"]
    search_fields = ["name", *(f"name_{lang}" for lang in LANGS)]
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["parent", ("icon", "order"), "missing_languages"]}),
        *language_fieldsets("name", "description"),
    ]

    class Media:
        css = ADMIN_CSS

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", OrderForm)
        return super().get_changelist_form(request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    def get_ordering(self, request):
        # Each top-level category followed by its subcategories, as the portal lists
        # them (expressions, not annotations: other admins' filters order by this too).
        return [
            Coalesce("parent__order", "order").asc(),
            Coalesce("parent__name", "name").asc(),
            Coalesce("parent_id", "id").asc(),
            F("parent_id").asc(nulls_first=True),
            "order",
            "name",
        ]

    @admin.display(description=_("name"), ordering="name")
    def tree_name(self, obj):
        if obj.parent_id:
            return format_html('<span class="kb-subcategory">{}</span>', obj.tr("name"))
        return obj.tr("name")

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total
