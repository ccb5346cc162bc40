"""A bounded crawl of every portal URL as people of another organisation.

Every named portal URL is asked, in a fixed order, by world.other_org's manager
(`outsider`), a member of other_org (`rival`) and a partner assigned to
other_org only (`stray_partner`), plain and as htmx: with world.org's object
ids (from the scoping harness's builders), with each id mutated (one up, one
down, zero, past any integer column, "-1" where the converter takes it,
other_org's own object), and with query parameters set to world.org's ids or
to the fuzz's odd values. POST-only URLs are posted (with the harness's form
where it has one). world.org's data is marked (tests/leaks.py).

What must hold: no answer is a 5xx; world.org's objects are a 404 for each of
them; no 200 and no redirect holds a world.org marker. The plan is fixed (no
draw) and bounded: past MAX_REQUESTS it fails, to be trimmed rather than slow.
"""

import collections
import contextlib
import dataclasses
import itertools
import re
import time
import uuid

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import leaks
from tests.portal.test_fuzz import ODD, TARGETS
from tests.scoping import CASES

NOT_PORTAL = {"admin", "djdt", "set_language", "healthz"}
PERSONAS = ("outsider", "stray_partner", "rival")
MAX_REQUESTS = 2000
HUGE = (2**31, 10**20)
ODD_VALUES = list(ODD.elements)
# Query parameters that name an object: set to world.org's, from tests/leaks.seed().
PARAM_IDS = {
    "organisation": "org",
    "ticket": "ticket",
    "requester": "requester",
    "author": "requester",
    "user": "requester",
    "watchers": "requester",
    "service": "service",
    "services": "service",
    "category": "category",
    "resource": "resource",
}


@dataclasses.dataclass(frozen=True)
class Request:
    name: str
    method: str
    url: str
    persona: str
    htmx: bool
    data: dict
    exact: bool  # world.org's own object: must be a 404
    # A genuine signed link of world.org's: whoever holds it may read what it shows.
    capability: bool = False


def _patterns():
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace not in NOT_PORTAL:
                    walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and entry.name not in NOT_PORTAL:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, entry.pattern.converters))

    walk(get_resolver().url_patterns, None)
    return found


def _mirror(world):
    """The same world seen from other_org: the builders make other_org's objects."""
    from tests.factories import member_of

    return dataclasses.replace(
        world,
        org=world.other_org,
        other_org=world.org,
        manager=world.outsider,
        member=leaks.rival(world),
        other_member=member_of(world.other_org, email="rival2@other.test"),
        partner=world.stray_partner,
        stray_partner=world.partner,
    )


def _invitation(w):
    from accounts.tokens import invitation_token
    from tests.factories import InvitationFactory

    return {"token": invitation_token(InvitationFactory(organisation=w.org))}


def _password_reset(w):
    uid = urlsafe_base64_encode(force_bytes(w.member.pk))
    return {"uidb64": uid, "token": default_token_generator.make_token(w.member)}


def _unsubscribe(w):
    from notifications import unsubscribe

    return {"token": unsubscribe.token(w.member, number="TKT-2026-00001")}


# Signed links (the harness's CAPABILITY_URLS): a genuine one of world.org's,
# whose holder may read what it shows; its mutations are crawled like ids.
CAPABILITY = {
    "accounts:invitation_accept": _invitation,
    "accounts:password_reset_confirm": _password_reset,
    "notifications:unsubscribe": _unsubscribe,
}


def _mutations(value, converter):
    if isinstance(value, int):
        candidates = [value + 1, value - 1, 0, *HUGE]
    elif isinstance(value, uuid.UUID):
        candidates = [uuid.UUID(int=0), uuid.uuid5(uuid.NAMESPACE_URL, str(value))]
    else:
        value = str(value)
        match = re.fullmatch(r"(.*?)(\d+)", value)
        candidates = ["-1", "0", value[:-1] + ("0" if value[-1] != "0" else "1")]
        if match:
            prefix, digits = match.groups()
            width = len(digits)
            number = int(digits)
            candidates += [
                prefix + str(number + 1).zfill(width),
                prefix + str(max(number - 1, 0)).zfill(width),
                prefix + "9" * 9,
            ]
    regex = re.compile(converter.regex)
    return [c for c in dict.fromkeys(candidates) if c != value and regex.fullmatch(str(c))]


def _query_variants(name, method, seeded, index):
    params = sorted({p for t in TARGETS if t.name == name and t.method == method for p in t.params})
    if not params:
        return []
    with_ids = {p: seeded[PARAM_IDS[p]] for p in params if p in PARAM_IDS}
    odd = {p: ODD_VALUES[(index + i) % len(ODD_VALUES)] for i, p in enumerate(params)}
    return [q for q in (with_ids, odd) if q]


def _method(name, case):
    if case is not None:
        return case.method
    methods = {t.method for t in TARGETS if t.name == name}
    return "post" if methods == {"post"} else "get"


def _plan(world, seeded):
    """The requests, exact ids first; deterministic."""
    cases = {}
    for case in CASES:
        cases.setdefault(case.url_name, case)
    mirror = _mirror(world)
    exact, mutated = [], []
    rotation = itertools.count()

    def rotate():
        i = next(rotation)
        return PERSONAS[i % 3], (i // 3) % 2 == 1

    for name, converters in _patterns():
        case = cases.get(name)
        method = _method(name, case)
        if not converters:
            url = reverse(name)
            # Each persona once, plain or htmx in turn: no id here to be out of scope.
            for persona in PERSONAS:
                persona, htmx = rotate()
                exact.append(Request(name, method, url, persona, htmx, {}, exact=False))
            for query in _query_variants(name, method, seeded, len(mutated)):
                persona, htmx = rotate()
                if method == "get":
                    mutated.append(Request(name, "get", url, persona, htmx, query, False))
                else:
                    mutated.append(Request(name, "post", url, persona, htmx, query, False))
            continue
        if case is None and name not in CAPABILITY:
            # tests/test_scoping.py fails on a URL with an id no module lists.
            continue
        if case is not None:
            kwargs = case.kwargs(world)
            data = case.data(world, kwargs) if case.data else {}
            theirs = case.kwargs(mirror) if method == "get" else None
        else:
            kwargs, data = CAPABILITY[name](world), {}
            theirs = None
        url = reverse(name, kwargs=kwargs)
        for persona, htmx in itertools.product(PERSONAS, (False, True)):
            exact.append(
                Request(name, method, url, persona, htmx, data, case is not None, case is None)
            )
        variants = []
        for key, value in kwargs.items():
            for changed in _mutations(value, converters[key]):
                variants.append({**kwargs, key: changed})
        if theirs:
            variants.append(theirs)
        for variant in variants:
            persona, htmx = rotate()
            mutated.append(
                Request(name, method, reverse(name, kwargs=variant), persona, htmx, data, False)
            )
        for query in _query_variants(name, method, seeded, len(mutated)):
            persona, htmx = rotate()
            mutated.append(Request(name, method, url, persona, htmx, query, False))
    # GETs before POSTs: a post that ends a session or a membership comes last.
    ordered = sorted(exact, key=lambda r: r.method) + sorted(mutated, key=lambda r: r.method)
    return ordered, len(ordered)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def crawl(world, settings):
    # Telegram and Mailgun configured, so their endpoints run rather than 404.
    settings.TELEGRAM_BOT_TOKEN = "123:crawl"
    settings.TELEGRAM_BOT_USERNAME = "crawl_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = "crawl-secret"
    settings.INBOUND_MAILGUN_SIGNING_KEY = "crawl-mailgun-key"
    seeded = leaks.seed(world)
    return _plan(world, seeded)


def test_crawl_as_other_organisations_finds_no_500_and_no_leak(world, crawl):
    plan, planned = crawl
    started = time.monotonic()
    assert planned <= MAX_REQUESTS, f"{planned} requests planned: raise MAX_REQUESTS or trim"
    users = {
        name: leaks.rival(world) if name == "rival" else getattr(world, name) for name in PERSONAS
    }
    clients = {name: Client(raise_request_exception=False) for name in PERSONAS}
    arounds = {case.url_name: case.around for case in CASES if case.around}
    failures, answered = [], collections.Counter()
    for name, client in clients.items():
        client.force_login(users[name])
    for request in plan:
        client = clients[request.persona]
        if request.method == "post":
            # Again before each POST: a crawled logout or "end my other sessions"
            # must not end the crawl (GETs come first and change nothing).
            client.force_login(users[request.persona])
        headers = {"HX-Request": "true"} if request.htmx else {}
        around = arounds.get(request.name)
        with around() if around else contextlib.nullcontext():
            response = getattr(client, request.method)(request.url, request.data, headers=headers)
        status = response.status_code
        answered[request.persona, status] += 1
        where = (request.persona, request.htmx, request.method, request.url, status)
        if status >= 500:
            failures.append(("5xx", *where))
        elif request.exact and status != 404:
            failures.append(("not 404", *where))
        elif status == 200 and not request.capability and leaks.leaked(_body(response)):
            failures.append(("leak", *where, leaks.leaked(_body(response))))
        elif 300 <= status < 400 and leaks.leaked(response.get("Location", "")):
            failures.append(("leak in redirect", *where))
    print(f"{len(plan)} requests in {time.monotonic() - started:.1f}s: {sorted(answered.items())}")
    assert failures == [], "\n".join(map(str, failures))
    assert len(plan) > 500  # the crawl covered the portal, not a handful of pages
    # Each stayed logged in and read pages of its own: the leak checks had content.
    assert all(answered[name, 200] > 50 for name in PERSONAS), answered
