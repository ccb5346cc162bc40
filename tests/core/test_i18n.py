"""core.i18n: a reader's language, regionalised, and their time zone, for any object."""

from datetime import UTC, datetime
from types import SimpleNamespace

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import i18n

MOMENT = datetime(2026, 12, 4, 16, 26, tzinfo=UTC)


def test_override_for_takes_any_reader_with_a_language_and_a_zone():
    reader = SimpleNamespace(language="fr", timezone="America/Sao_Paulo")
    with translation.override("en"), i18n.override_for(reader):
        assert translation.get_language() == "fr"
        assert timezone.get_current_timezone_name() == "America/Sao_Paulo"
        assert timezone.localtime(MOMENT).hour == 13
        assert _("Password") == "Mot de passe"


def test_override_for_a_reader_without_a_zone_keeps_the_current_zone():
    with (
        timezone.override(i18n.zone("Asia/Tokyo")),
        i18n.override_for(SimpleNamespace(language="es")),
    ):
        assert translation.get_language() == "es"
        assert timezone.get_current_timezone_name() == "Asia/Tokyo"


def test_an_unknown_zone_is_ignored_and_the_language_still_applies():
    with timezone.override(i18n.zone("Europe/Paris")), i18n.override("pt", "Mars/Olympus"):
        assert translation.get_language() == "pt-br"
        assert timezone.get_current_timezone_name() == "Europe/Paris"


def test_override_restores_language_and_zone_on_the_way_out():
    with translation.override("es"), timezone.override(i18n.zone("Europe/Madrid")):
        with i18n.override("en", "America/Chicago"):
            assert translation.get_language() == "en"
            assert date_format(MOMENT, "DATE_FORMAT") == "Dec. 4, 2026"
        assert translation.get_language() == "es"
        assert timezone.get_current_timezone_name() == "Europe/Madrid"


def test_english_is_british_outside_the_united_states():
    assert i18n.language_for("en", "Europe/London") == "en-gb"
    assert i18n.language_for("en", "America/New_York") == "en"
    assert i18n.language_for(None, None) == i18n.language_for("en-gb")


def test_zone_of_a_name():
    assert i18n.zone("Europe/Lisbon").key == "Europe/Lisbon"
    assert i18n.zone("") is None
    assert i18n.zone("Not/A_Zone") is None
    assert i18n.country_of("America/Sao_Paulo") == "BR"
    assert i18n.country_of(None) is None


def test_base_language_of_an_active_code():
    assert i18n.base_language("pt-br") == "pt"
    assert i18n.base_language("fr") == "fr"
