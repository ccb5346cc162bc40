"""In a reader's language: their language, regionalised by where they are, and their time zone.

A profile stores one of four languages; how dates and times are written also
depends on the country. English is British (4 Dec 2026, 16:26) except for people
whose time zone is in the United States (Dec. 4, 2026, 4:26 p.m.); Portuguese is
always Brazilian, the variant the catalogs are written in (and Django's own texts:
"senha", not "palavra-passe"). The result is the language code to activate, so
every date filter, `date_format()` and Django's own messages follow it; the
formats themselves are Django's, with config/formats/ where they fall short.

A reader is any object with a `language` and, maybe, a `timezone` (a user, an
invitation's organisation, a statement): this module knows no model.
"""

import functools
import zoneinfo
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

US_ENGLISH = {"US", "UM", "PR", "GU", "VI", "AS", "MP"}


@functools.cache
def zone_countries() -> dict[str, str]:
    """Canonical zone name -> ISO 3166 country code, from the system's zone.tab."""
    found: dict[str, str] = {}
    for base in zoneinfo.TZPATH:
        path = Path(base) / "zone.tab"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            country, _coordinates, name, *_comment = line.split("\t")
            found[name] = country
        break
    available = zoneinfo.available_timezones()
    return {name: country for name, country in found.items() if name in available}


def country_of(name: str | None) -> str | None:
    return zone_countries().get(name or "")


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


def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The time zone of that name, or None when it is empty or unknown (an old alias)."""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@contextmanager
def override(language: str | None, time_zone: str | None = None):
    """Language, date formats and time zone of a reader, for a message written outside a request."""
    found = zone(time_zone)
    with translation.override(language_for(language, time_zone)):
        if found is None:
            yield
        else:
            with timezone.override(found):
                yield


def override_for(user):
    """As `override`, for a user or any reader with a `language` (and maybe a `timezone`)."""
    return override(user.language, getattr(user, "timezone", None))
