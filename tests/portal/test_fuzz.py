"""Whatever a client sends the portal, it answers below 500.

Hypothesis fills every query parameter, form field and ticket path segment of the
portal's client pages with odd values (Unicode digits, NUL bytes, far-off dates,
huge numbers, long text) as a member and as a manager. The data is built once per
persona; derandomized, so a run is repeatable and a failure prints its request.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import BankKind, Contract
from tests.tickets.factories import TicketFactory
from tickets import services

ODD = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "²",
        "٣",
        "\uff11",  # fullwidth 1
        "\x00",
        "1\x00",
        "TKT-2026-00024\x00",
        "99999999999999999999999",
        "9999-12-31",
        "0001-01-01",
        "275760-09-13",
        "2026-02-30",
        "2026-03-01",
        "all",
        "active",
        "me",
        "javascript:alert(1)",
        "//evil.example/",
        "/tickets/",
        "home",
        "<script>x</script>",
        "' OR 1=1 --",
        "x" * 5000,
        "ñ" * 300,
        "1-1",
        "1e5",
        "NaN",
        "\ud7ff",
        "\u202e",
    ]
)
VALUE = st.one_of(ODD, st.text(max_size=30), st.integers().map(str))

# (method, path, parameters); {ticket}, {contract}, {org} filled per world.
TARGETS = [
    ("get", "/", []),
    ("get", "/dashboard/", []),
    (
        "get",
        "/tickets/",
        ["q", "status", "priority", "category", "requester", "organisation", "page"],
    ),
    ("get", "/tickets/live/", ["q", "status", "priority", "organisation", "page", "v"]),
    ("get", "/tickets/new/", ["request_type", "organisation", "subject", "description"]),
    (
        "post",
        "/tickets/new/",
        ["request_type", "organisation", "subject", "description", "priority", "category"],
    ),
    ("get", "/tickets/{ticket}/", []),
    ("get", "/tickets/{ticket}/live/", ["v", "after"]),
    ("post", "/tickets/{ticket}/", ["body", "send_anyway"]),
    ("post", "/tickets/{ticket}/rate/", ["score", "comment"]),
    ("post", "/tickets/{ticket}/watchers/", ["user"]),
    ("post", "/tickets/{ticket}/mute/", ["muted"]),
    ("post", "/tickets/{ticket}/escalate/", ["reason"]),
    ("post", "/tickets/{ticket}/call/", ["phone", "time"]),
    ("get", "/tickets/{ticket}/attachments/1/", ["inline"]),
    ("get", "/activity/", ["kind", "date_from", "date_to", "before", "since"]),
    ("get", "/activity/live/", ["after", "top", "kind", "date_from", "date_to"]),
    ("get", "/contracts/", []),
    ("get", "/contracts/{contract}/", ["period", "page"]),
    ("get", "/contracts/{contract}/live/", ["period", "page", "v"]),
    ("get", "/contracts/{contract}/statement.csv", ["period"]),
    ("get", "/notifications/", ["show", "page"]),
    ("get", "/notifications/bell/", ["n"]),
    ("post", "/notifications/read-all/", ["show"]),
    ("post", "/notifications/preferences/", ["enabled"]),
    ("post", "/account/language/", ["language", "next"]),
    ("post", "/account/switch/{org}/", ["next"]),
    ("post", "/account/profile/", ["display_name", "language", "timezone", "phone"]),
    ("get", "/account/team/", []),
    ("post", "/account/team/invite/", ["email", "role"]),
]
# Path segments a ticket number or an id could be replaced with.
SEGMENTS = st.sampled_from(
    ["TKT-2026-00024%00", "%C2%B2", "%D9%A3", "99999999999999999999", "..", "%20", "TKT-²"]
)
SEGMENT_PATHS = ["/tickets/{s}/", "/tickets/{s}/live/", "/tickets/{s}/close/", "/contracts/{s}/"]


@pytest.fixture
def portal(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member, number="TKT-2026-00024")
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    contract = Contract.objects.create(
        organisation=world.org,
        name="Soporte",
        start_date=date(2026, 1, 1),
        bank_kind=BankKind.MONTHLY,
        bank_hours=Decimal("10"),
        currency="EUR",
    )
    clients = {}
    for persona in ("member", "manager"):
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(getattr(world, persona))
    return {
        "ids": {"ticket": ticket.number, "contract": contract.pk, "org": world.org.pk},
        "clients": clients,
    }


# Values that broke the portal once: every parameter of every target gets each,
# and a few parameters their own.
KNOWN_BAD = ["²", "\x00"]
_FAR_DATE = ["9999-12-31", "275760-09-13"]
KNOWN_BAD_FOR = {
    "q": ["x" * 5000],
    "next": ["home"],
    "period": ["garbage", *_FAR_DATE],
    **{name: _FAR_DATE for name in ("date_from", "date_to", "top", "since")},
}


def test_every_parameter_with_the_values_that_broke_it_once(portal):
    # As a manager, who reaches every page a member does and more (contracts, team).
    client = portal["clients"]["manager"]
    failures = []
    for method, path, names in TARGETS:
        url = path.format(**portal["ids"])
        for name in names:
            for value in KNOWN_BAD + KNOWN_BAD_FOR.get(name, []):
                response = getattr(client, method)(url, {name: value})
                if response.status_code >= 500:
                    failures.append((method, url, name, value[:20]))
    assert failures == []


FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("persona", ["member", "manager"])
@FUZZ
@given(data=st.data())
def test_parameters_and_form_fields(portal, persona, data):
    client = portal["clients"][persona]
    method, path, names = data.draw(st.sampled_from(TARGETS), label="target")
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True) if names else st.just([]))
    params = {name: data.draw(VALUE, label=name) for name in chosen}
    url = path.format(**portal["ids"])
    response = getattr(client, method)(url, params)
    assert response.status_code < 500, (method, url, params)


@pytest.mark.parametrize("persona", ["member", "manager"])
@FUZZ
@given(data=st.data())
def test_path_segments(portal, persona, data):
    client = portal["clients"][persona]
    url = data.draw(st.sampled_from(SEGMENT_PATHS)).format(s=data.draw(SEGMENTS))
    method = data.draw(st.sampled_from(["get", "post"]))
    response = getattr(client, method)(url)
    assert response.status_code < 500, (method, url)
