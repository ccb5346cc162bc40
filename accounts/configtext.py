"""Texts staff configure (request types, categories, services...) in every portal language.

How they are stored, and why: one column per language beside the plain one, which
holds the English (source) version: `name`, `name_es`, `name_pt`, `name_fr`. This is
the schema django-modeltranslation would create, without what it adds on top: it
swaps `name` for a descriptor that follows the active language and patches managers,
querysets and the admin (its tabbed admin also expects jQuery UI from a CDN, and the
portal must work on a closed network), and its fallback languages are fixed in
settings, while ours go through the reader's organisation. A JSON field per text
(one column) would make the fallback as easy, but needs a custom admin widget and
loses max_length and per-language validation. Plain columns keep Django's admin,
forms and migrations as they are; reading goes through `Translated.tr()`.

Fallback, in order: the reader's language, their organisation's default language,
English, then any language that has a version, so a client never sees an empty label.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SOURCE = "en"
# Languages besides English; each gets a `<field>_<code>` column.
LANGS = ("es", "pt", "fr")
ALL = (SOURCE, *LANGS)
LANGUAGE_NAMES = {
    "en": _("English"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "fr": _("French"),
}

_organisation_language: ContextVar[str | None] = ContextVar("organisation_language", default=None)


@contextmanager
def organisation_language(code: str | None):
    """The reader's organisation's default language, the first fallback of `tr()`."""
    token = _organisation_language.set(code)
    try:
        yield
    finally:
        _organisation_language.reset(token)


def column(field: str, language: str) -> str:
    return field if language == SOURCE else f"{field}_{language}"


def fallback_order(language: str | None = None) -> list[str]:
    reader = (language or get_language() or SOURCE).split("-")[0].lower()
    wanted = [reader, _organisation_language.get(), SOURCE, *LANGS]
    return [code for code in dict.fromkeys(wanted) if code in ALL]


def translations(field: str, label, **kwargs) -> dict:
    """The `<field>_<code>` columns of `field`, for `locals().update(...)` in a model body."""
    return {
        column(field, lang): (
            models.CharField(format_lazy("{} ({})", label, lang), blank=True, **kwargs)
            if "max_length" in kwargs
            else models.TextField(format_lazy("{} ({})", label, lang), blank=True)
        )
        for lang in LANGS
    }


class _Texts:
    """`{{ obj.text.kind }}` in a template: `obj.tr("kind")`."""

    def __init__(self, obj):
        self._obj = obj

    def __getitem__(self, field):
        if field not in self._obj.translated_fields:
            raise KeyError(field)
        return self._obj.tr(field)


class Translated(models.Model):
    """A model whose `translated_fields` have a version per language."""

    translated_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def version(self, field: str, language: str) -> str:
        return (getattr(self, column(field, language), "") or "").strip()

    def tr(self, field: str, language: str | None = None) -> str:
        for code in fallback_order(language):
            value = self.version(field, code)
            if value:
                return value
        return ""

    @property
    def text(self) -> _Texts:
        return _Texts(self)

    def missing_languages(self) -> list[str]:
        """Languages lacking a version of a text that has one in some language."""
        missing = []
        for code in ALL:
            for field in self.translated_fields:
                has_any = any(self.version(field, other) for other in ALL)
                if has_any and not self.version(field, code):
                    missing.append(code)
                    break
        return missing
