"""The diagnostics URLs of the scoping harness (tests/scoping.py): each object is a
measurement shared on a ticket of `world.org`, which its manager may read."""

import contextlib

from tests.scoping import Case


def _measurement(w):
    from django.utils import timezone

    from diagnostics.models import Measurement
    from diagnostics.services import _next_number
    from tests.tickets.factories import open_ticket

    ticket = open_ticket(w)
    measurement = Measurement.objects.create(
        number=_next_number(timezone.now()),
        organisation=w.org,
        ticket=ticket,
        requested_by=w.agent,
        kind="ping",
        target="example.com",
        definition={"type": "ping", "af": 4, "target": "example.com", "packets": 3},
        probes=[{"type": "area", "value": "WW", "requested": 3}],
        atlas_id=1000 + Measurement.objects.count(),
        api_key_name="default",
    )
    return {"number": measurement.number}


def _pair(w):
    first, second = _measurement(w), _measurement(w)
    return {"number": first["number"], "other": second["number"]}


def _allowed(w):
    from diagnostics.models import OrganisationRules

    OrganisationRules.objects.update_or_create(
        organisation=w.org, defaults={"clients_may_run": True, "any_public_target": True}
    )
    return _measurement(w)


@contextlib.contextmanager
def _fake_atlas():
    from django.test import override_settings

    from tests.diagnostics.fake_atlas import FakeAtlas

    with (
        FakeAtlas() as fake,
        override_settings(ATLAS_API_URL=fake.base_url, ATLAS_API_KEYS={"default": "test-key"}),
    ):
        yield fake


CASES = [
    Case("diagnostics:detail", _measurement),
    Case("diagnostics:raw", _measurement),
    Case("diagnostics:csv", _measurement),
    Case("diagnostics:compare", _pair),
    Case("diagnostics:rerun", _allowed, method="post", around=_fake_atlas),
]
