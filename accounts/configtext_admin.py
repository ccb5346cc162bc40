"""Admin for texts staff configure: one group of fields per language, and what is missing."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .configtext import ALL, LANGUAGE_NAMES, column


def language_fieldsets(*fields: str) -> list:
    """A fieldset per language (English first, the source) holding that language's version."""
    return [
        (LANGUAGE_NAMES[code], {"fields": [column(field, code) for field in fields]})
        for code in ALL
    ]


class TranslatedAdminMixin:
    """`missing_languages` for list_display and readonly_fields; `shown_name` in the reader's."""

    @admin.display(description=_("missing languages"))
    def missing_languages(self, obj):
        missing = obj.missing_languages() if obj and obj.pk else []
        return ", ".join(str(LANGUAGE_NAMES[code]) for code in missing) or "—"

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, obj):
        return obj.tr("name")
