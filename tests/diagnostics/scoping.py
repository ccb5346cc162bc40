"""The diagnostics URLs of the scoping harness (tests/scoping.py): each object is a
measurement shared on a ticket of `world.org`, which its manager may read."""

from tests.scoping import Case


def _measurement(w):
    from diagnostics.models import Measurement
    from tests.tickets.factories import open_ticket

    ticket = open_ticket(w)
    measurement = Measurement.objects.create(
        number=f"NET-2026-{Measurement.objects.count() + 1:05d}",
        organisation=w.org,
        ticket=ticket,
        requested_by=w.agent,
        kind="ping",
        target="example.com",
        atlas_id=1000 + Measurement.objects.count(),
        api_key_name="default",
    )
    return {"number": measurement.number}


CASES = [
    Case("diagnostics:detail", _measurement),
    Case("diagnostics:raw", _measurement),
]
