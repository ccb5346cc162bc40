"""The portal's URLs without an object id (lists' htmx partials, live answers,
searches, exports) never answer another organisation's data.

tests/leaks.py lists them with world.org's ids in their queries (an outsider
naming world.org, its ticket, its service...). World.org's reader gets its
markers from each request, so each check below is one that can fail; the
outsider, a partner of another organisation and a member of another one get
none of them. The completeness test asks every portal URL without a parameter,
as htmx, as world.org's manager: whatever answers a fragment or a file (not a
whole page) must be in LEAKS or in NOT_DATA with a reason, and so must any URL
whose name says it is a feed, export or partial.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import leaks

NOT_PORTAL = {"admin", "djdt", "set_language", "healthz"}
HX = {"HX-Request": "true"}
# Names that say "fragment, poll or file": listed whatever they answer today.
DATA_NAMES = re.compile(
    r"csv|pdf|json|export|download|live|poll|partial|bell|pick|search|suggest|panel|feed"
)
OUTSIDERS = ("outsider", "stray_partner", "rival")


@pytest.fixture
def seeded(world):
    return leaks.seed(world)


def _get(client, user, leak, ids):
    client.force_login(user)
    headers = HX if leak.htmx else {}
    return client.get(reverse(leak.url_name), leak.query(ids), headers=headers)


def _persona(world, name):
    return leaks.rival(world) if name == "rival" else getattr(world, name)


@pytest.mark.parametrize("leak", leaks.LEAKS, ids=lambda leak: leak.url_name)
def test_no_other_organisations_data_without_an_id(client, world, seeded, leak):
    insider = _get(client, getattr(world, leak.insider), leak, seeded)
    assert insider.status_code == 200
    if leak.insider_sees:
        assert leaks.leaked(insider.content), f"{leak.url_name} shows world.org nothing"
    for name in OUTSIDERS:
        response = _get(client, _persona(world, name), leak, seeded)
        assert response.status_code < 500, (name, leak.url_name)
        assert leaks.leaked(response.content) == [], (name, leak.url_name)


def test_the_bell_counts_only_the_readers_own(client, world, seeded):
    # world.org's manager has a notification; the outsider, none: the bell says so.
    for user, unread in ((world.manager, True), (world.outsider, False)):
        client.force_login(user)
        body = client.get(reverse("notifications:bell"), headers=HX).content.decode()
        assert ("bell--unread" in body) is unread


def _portal_urls_without_parameters():
    found = {}

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in NOT_PORTAL:
                    continue
                walk(entry.url_patterns, entry.namespace or namespace, prefix + str(entry.pattern))
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and entry.name not in NOT_PORTAL
                and not (entry.pattern.converters or entry.pattern.regex.groups)
            ):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found[name] = "/" + prefix + str(entry.pattern)

    walk(get_resolver().url_patterns, None, "")
    return found


def _is_fragment_or_file(response) -> bool:
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("text/html"):
        return True
    return b"<html" not in response.content[:2000].lower()


def test_every_fragment_or_file_without_an_id_is_listed(client, world, seeded):
    listed = {leak.url_name for leak in leaks.LEAKS} | set(leaks.NOT_DATA)
    urls = _portal_urls_without_parameters()
    assert "tickets:list_live" in urls  # the walk found the portal
    client.force_login(world.manager)
    missing = []
    for name, path in sorted(urls.items()):
        if name in listed:
            continue
        if DATA_NAMES.search(name.split(":")[-1]):
            missing.append(name)
            continue
        response = client.get(path, headers=HX)
        if response.status_code == 200 and _is_fragment_or_file(response):
            missing.append(name)
    assert missing == [], "add these to tests/leaks.py LEAKS (or NOT_DATA with a reason)"
    assert listed - urls.keys() == set(), "stale names in tests/leaks.py"
