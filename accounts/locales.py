"""The locale a person reads dates in: their language, regionalised by where they are.

A profile stores one of four languages; how dates and times are written also
depends on the country. English is British (4 Dec 2026, 16:26) except for people
whose time zone is in the United States (Dec. 4, 2026, 4:26 p.m.); Portuguese is
always Brazilian, the variant the catalogs are written in (and Django's own texts:
"senha", not "palavra-passe"). The result is the language code to activate, so
every date filter, `date_format()` and Django's own messages follow it; the
formats themselves are Django's, with config/formats/ where they fall short.
"""

import zoneinfo
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation

from .zones import country_of

US_ENGLISH = {"US", "UM", "PR", "GU", "VI", "AS", "MP"}


def language_for(language: str | None, time_zone: str | None = None) -> str:
    """'en' + 'Europe/London' -> 'en-gb'; 'en' + 'America/Chicago' -> 'en'; 'pt' -> 'pt-br'."""
    base = (language or settings.LANGUAGE_CODE).split("-")[0].lower()
    if base == "en":
        return "en" if country_of(time_zone) in US_ENGLISH else "en-gb"
    if base == "pt":
        return "pt-br"
    return base


def user_language(user) -> str:
    return language_for(user.language, getattr(user, "timezone", None))


def base_language(code: str | None) -> str:
    """The profile language of an active code: 'pt-br' -> 'pt'."""
    return (code or settings.LANGUAGE_CODE).split("-")[0].lower()


def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@contextmanager
def override(language: str | None, time_zone: str | None = None):
    """Language, date formats and time zone of a reader, for a message written outside a request."""
    zone = _zone(time_zone)
    with translation.override(language_for(language, time_zone)):
        if zone is None:
            yield
        else:
            with timezone.override(zone):
                yield


def override_for(user):
    """As `override`, for a user or any reader with a `language` (and maybe a `timezone`)."""
    return override(user.language, getattr(user, "timezone", None))
