"""The catalogs translate every string the source marks, in every language.

The source is read the way `make messages` reads it: Django's own makemessages
(every .py, .html and .txt of the project, templates included, wrapped and
plural strings included), run over a copy of the tree into a temporary
directory, so the real catalogs are never touched. Every entry of the merged
catalogs must then have a translation that is neither empty nor fuzzy.
"""

import re
import shutil
import subprocess
from contextlib import chdir
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["es", "pt", "fr"]
# What `make messages` leaves out (Makefile); the rest of the tree is source.
NOT_SOURCE = [".venv", "staticfiles", "tests", "bench"]
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n > 1);",  # Brazilian: "0 minuto", like Django's pt_BR
    "fr": "nplurals=2; plural=(n > 1);",
}
MONTHS = "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"


def _catalog(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) "(.*)"$', line):
            key, index, text = match.groups()
            field = ("msgstr", int(index or 0)) if key.startswith("msgstr") else key
            _append(entry, field, text)
        elif line.startswith('"') and field:
            _append(entry, field, line[1:-1])
    return [e for e in entries if e["msgid"]]  # not the header


def _append(entry, field, text):
    text = re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)
    if isinstance(field, tuple):
        entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + text
    else:
        entry[field] = entry.get(field, "") + text


def _header(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n\n", text.index('msgid ""'))]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """The catalogs merged with everything the source marks today, as `make messages` would."""
    root = tmp_path_factory.mktemp("tree")
    base = Path(settings.BASE_DIR)
    shutil.copytree(
        base,
        root,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            *NOT_SOURCE, ".git", "media", "node_modules", "__pycache__", "*.mo", "*.egg-info"
        ),
    )
    with chdir(root), override_settings(LOCALE_PATHS=[root / "locale"]):
        call_command(
            "makemessages",
            locale=LANGUAGES,
            ignore_patterns=NOT_SOURCE,
            no_obsolete=True,
            verbosity=0,
        )
    return root / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(merged, language):
    """Templates, wrapped and plural strings too: nothing empty, nothing fuzzy."""
    entries = _catalog(merged / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 900  # the source was read (a positive control)
    missing = [
        (e.get("msgctxt"), e["msgid"])
        for e in entries
        if "fuzzy" in e["flags"]
        or not e["msgstr"]
        or not all(e["msgstr"].values())
        or ("msgid_plural" in e and len(e["msgstr"]) != 2)
    ]
    listed = "\n".join(f"  {context or ''}|{msgid!r}" for context, msgid in missing)
    assert not missing, f"{len(missing)} strings to translate in {language}:\n{listed}"


def test_templates_and_wrapped_strings_are_read(merged):
    """What the old check missed: a template string and a msgid wrapped over lines."""
    ids = {e["msgid"] for e in _catalog(merged / "es" / "LC_MESSAGES" / "django.po")}
    assert "Open it in the portal" in ids  # templates/notifications/email/notification.txt
    assert "Time entries can be changed by their author or a supervisor, for %(days)s day." in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_compiles_with_its_formats_checked(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header_is_the_languages(language):
    header = _header(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert f'"Plural-Forms: {PLURAL_FORMS[language]}\\n"' in header
    assert f'"Language: {language}\\n"' in header


def _translations(language):
    for entry in _catalog(LOCALE / language / "LC_MESSAGES" / "django.po"):
        for text in entry["msgstr"].values():
            yield entry["msgid"], text


def test_french_puts_a_non_breaking_space_before_double_punctuation():
    wrong = [
        (msgid, text)
        for msgid, text in _translations("fr")
        if re.search(r"(^|[^\u00a0\u202f/])[:;?!](\s|$)", text) or re.search(r"« | »", text)
    ]
    assert not wrong, wrong


def test_french_does_not_put_que_or_de_before_a_name():
    """'Ce que Atelier', 'de Atelier': names may start with a vowel, so no
    elidable word stands right before a placeholder of a person or company."""
    names = r"%\((name|org|contract|member|actor|country|zone)\)s"
    wrong = [
        (msgid, text)
        for msgid, text in _translations("fr")
        if re.search(rf"\b(que|de|le|la|ce|jusque|lorsque) {names}", text, re.IGNORECASE)
    ]
    assert not wrong, wrong


def test_portuguese_is_brazilian_with_lower_case_months():
    texts = [text for _msgid, text in _translations("pt")]
    assert any("senha" in text for text in texts)  # a positive control for the search
    assert not [text for text in texts if "palavra-passe" in text.lower()]
    capitalised = [m.capitalize() for m in MONTHS.split()]
    assert not [t for t in texts if any(re.search(rf"\bde {m}\b", t) for m in capitalised)]
    for month in MONTHS.split():
        assert month in texts
