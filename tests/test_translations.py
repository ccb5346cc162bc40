import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_catalog_is_complete(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_catalog_covers_every_marked_string(language, tmp_path):
    """makemessages on the source finds nothing the catalog does not already have."""
    result = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=_",
            "--keyword=gettext_lazy",
            "--keyword=gettext",
            "-o",
            str(tmp_path / "py.pot"),
            *map(str, Path(settings.BASE_DIR).glob("*/[!_]*.py")),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    pot = (tmp_path / "py.pot").read_text()
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    missing = [
        line
        for line in pot.splitlines()
        if line.startswith('msgid "') and line != 'msgid ""' and line not in po
    ]
    assert not missing, missing
