"""The scoping harness: every portal URL that carries an object id, and how to
build an object for it inside `world.org`.

Each app lists its URLs in its own `tests/<app label>/scoping.py`: CASES, and
CAPABILITY_URLS for those whose parameter is a signed token rather than an id
(with the reason). They are collected here for every installed app, test apps
included. tests/test_scoping.py checks that every portal URL with a parameter
is listed by some app, and that each one is a 404 for a manager of another
organisation and for a partner not assigned to `world.org`, and a login
redirect for anonymous.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

TESTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable  # (world) -> reverse() kwargs for an object of world.org
    method: str = "get"
    # The persona for whom the URL is in scope: proves the 404s are not an accident.
    insider: str = "manager"
    # What the insider's request answers when it works: a page (200), or the
    # redirect a plain form POST gets (302). Anything else, a 400 or a 500 included,
    # means the harness proved nothing about the 404s.
    ok: int | None = None
    # The form a POST sends so that it succeeds: (world, kwargs) -> POST data.
    data: Callable | None = None
    # A context manager factory around each request (a fake of an outside service
    # the view calls, such as RIPE Atlas), so that the insider's request can succeed.
    around: Callable | None = None

    @property
    def expected(self) -> int:
        if self.ok is not None:
            return self.ok
        return 302 if self.method == "post" else 200


def app_modules() -> list:
    """Every installed app's `tests/<label>/scoping.py`, in INSTALLED_APPS order."""
    return [
        importlib.import_module(f"tests.{config.label}.scoping")
        for config in apps.get_app_configs()
        if (TESTS / config.label / "scoping.py").is_file()
    ]


def collect(modules) -> tuple[list[Case], dict[str, str]]:
    cases, capability_urls = [], {}
    for module in modules:
        cases += getattr(module, "CASES", [])
        capability_urls |= getattr(module, "CAPABILITY_URLS", {})
    return cases, capability_urls


CASES, CAPABILITY_URLS = collect(app_modules())
