"""Services in the admin, named in each language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets

from ..models import Service


@admin.register(Service)
class ServiceAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "shown_name",
        "organisation",
        "shown_kind",
        "identifier",
        "status",
        "missing_languages",
    ]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["name", "name_es", "name_pt", "name_fr", "identifier", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["organisation", "identifier", "status", "missing_languages"]}),
        *language_fieldsets("name", "kind"),
    ]

    @admin.display(description=_("kind"), ordering="kind")
    def shown_kind(self, obj):
        return obj.tr("kind") or "—"
