"""Apps import one way, down the layers of pyproject.toml's [tool.importlinter].

`lint-imports` reads every module's imports, those inside functions included, and
fails on an import from a higher layer or from a sibling, unless it is one of the
known exceptions listed there. The probes below run it over a copy of the tree in a
temporary directory, so the real tree never holds a probe, even when a test fails.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # lint-imports puts its working directory first on sys.path, so a copy's
    # packages are the ones analysed, not the installed tree.
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the packages lint-imports analyses, with the project's pyproject.toml."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.po"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_the_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_import_is_excused():
    """Every app keeps the layers: the contract lists no exception to them."""
    assert all(not contract.get("ignore_imports") for contract in CONFIG["contracts"])


def test_the_copy_keeps_the_layers_too(tree):
    """Positive control for the probes: the unchanged copy passes."""
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        # A lazy import inside a function, the way most of the old exceptions came in.
        (
            "activity/_layers_probe.py",
            "def probe():\n    from tickets.models import Ticket\n\n    return Ticket\n",
            "activity._layers_probe -> tickets.models",
        ),
        # The profile page once pulled the notification preferences in this way.
        (
            "accounts/_layers_probe.py",
            "from notifications import views\n",
            "accounts._layers_probe -> notifications.views",
        ),
        # A lower domain app does not import a higher one (sla reads contracts).
        (
            "contracts/_layers_probe.py",
            "import sla.models\n",
            "contracts._layers_probe -> sla.models",
        ),
    ],
)
def test_a_new_import_against_the_layers_fails(tree, module, source, broken):
    (tree / module).write_text(source, encoding="utf-8")
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    assert broken in result.stdout


def test_a_stale_exception_fails(tree):
    """An exception whose import is gone must be deleted, so the list stays exact."""
    pyproject = tree / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    stale = 'ignore_imports = ["activity.feed -> sla.models"]\n'
    pyproject.write_text(
        text.replace("broken_contract_guidance", stale + "broken_contract_guidance", 1)
    )
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "activity.feed -> sla.models" in result.stdout + result.stderr
