import contextlib

import pytest
from django.contrib.messages import ERROR, get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import scoping
from tests.scoping import CAPABILITY_URLS, CASES

NOT_PORTAL = {"admin", "set_language", "healthz", "djdt"}


def _portal_urls_with_parameters():
    found = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns in NOT_PORTAL:
                    continue
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                if entry.name in NOT_PORTAL:
                    continue
                if entry.pattern.converters or entry.pattern.regex.groups:
                    found.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return found


def _uncovered(cases, capability_urls) -> set[str]:
    covered = {case.url_name for case in cases} | set(capability_urls)
    return _portal_urls_with_parameters() - covered


def test_every_portal_url_with_an_id_is_in_the_harness():
    missing = _uncovered(CASES, CAPABILITY_URLS)
    assert not missing, f"Add these URLs to a tests/<app>/scoping.py: {sorted(missing)}"


def test_the_harness_finds_each_apps_module():
    found = {module.__name__ for module in scoping.app_modules()}
    apps = ("accounts", "contracts", "tickets", "notifications")
    assert {f"tests.{app}.scoping" for app in apps} <= found


def test_a_url_left_out_of_every_module_is_reported():
    cases = [case for case in CASES if case.url_name != "tickets:live"]
    assert _uncovered(cases, CAPABILITY_URLS) == {"tickets:live"}
    capability_urls = {
        k: v for k, v in CAPABILITY_URLS.items() if k != "accounts:invitation_accept"
    }
    assert _uncovered(CASES, capability_urls) == {"accounts:invitation_accept"}


def test_an_app_without_its_module_leaves_its_urls_uncovered():
    modules = [m for m in scoping.app_modules() if m.__name__ != "tests.contracts.scoping"]
    cases, capability_urls = scoping.collect(modules)
    assert _uncovered(cases, capability_urls) == {
        "contracts:detail",
        "contracts:live",
        "contracts:statement_pdf",
        "contracts:statement_csv",
    }


def _request(client, case, world):
    with case.around() if case.around else contextlib.nullcontext():
        kwargs = case.kwargs(world)
        url = reverse(case.url_name, kwargs=kwargs)
        if case.method == "post" and case.data is not None:
            return client.post(url, case.data(world, kwargs))
        return getattr(client, case.method)(url)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.url_name)
@pytest.mark.parametrize("persona", ["outsider", "stray_partner"])
def test_out_of_scope_is_404(client, world, case, persona):
    client.force_login(getattr(world, persona))
    assert _request(client, case, world).status_code == 404


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.url_name)
def test_anonymous_is_sent_to_login(client, world, case):
    response = _request(client, case, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.url_name)
def test_in_scope_answers_as_intended(client, world, case):
    client.force_login(getattr(world, case.insider))
    response = _request(client, case, world)
    assert response.status_code == case.expected
    # A form POST that redirects back with an error did not succeed either.
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert errors == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.url_name)
def test_wrong_method_is_405(client, world, case):
    client.force_login(getattr(world, case.insider))
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    other = "get" if case.method == "post" else "put"
    assert getattr(client, other)(url).status_code == 405
