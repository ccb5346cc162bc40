"""Month and weekday names as they appear inside a date, kept in our catalogs.

Django's Portuguese catalogs capitalise them ("4 de Dezembro de 2026",
"Sexta-feira"), where Brazilian usage writes them in lower case like Spanish and
French do; our catalogs are read after Django's, so the translations of these
msgids (Django's own, used by the "F" and "l" date formats) win. Marked here only
so that makemessages keeps them.
"""

from django.utils.translation import gettext_noop

# Translators: month and weekday names used inside dates ("4 de dezembro de 2026").
# Lower case in Portuguese, Spanish and French.
MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
