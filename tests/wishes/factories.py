"""Wish factories for any app's tests.

`WishFactory` writes rows directly, without the services: no events, no versions,
no counters, numbers from their own WSH-2026-9xxxx range. To test behaviour, go
through the services: `draft` asks for a wish as a client would, `wish_in` walks
one to any status along the workflow's own moves, each recording its event.
"""

import datetime as dt

import factory

from contracts.models import Service
from tests.factories import OrganisationFactory, member_of
from wishes import services
from wishes.models import Wish
from wishes.states import RefusalReason, WishStatus

TITLE = "Monthly report of the link's usage"
DESCRIPTION = "We would like a PDF each month with the traffic of every site."
TARGET = dt.date(2026, 9, 30)

# How wish_in reaches each status from a submitted wish: (to, what the move carries).
_PATH = {
    WishStatus.SUBMITTED: [],
    WishStatus.IN_REVIEW: [(WishStatus.IN_REVIEW, {})],
    WishStatus.CHANGES_REQUESTED: [
        (WishStatus.CHANGES_REQUESTED, {"note": "Which sites should the report cover?"})
    ],
    WishStatus.APPROVED: [(WishStatus.APPROVED, {})],
    WishStatus.PLANNED: [(WishStatus.APPROVED, {}), (WishStatus.PLANNED, {"target_date": TARGET})],
    WishStatus.IN_PROGRESS: [(WishStatus.APPROVED, {}), (WishStatus.IN_PROGRESS, {})],
    WishStatus.DONE: [
        (WishStatus.APPROVED, {}),
        (WishStatus.IN_PROGRESS, {}),
        (WishStatus.DONE, {}),
    ],
    WishStatus.NOT_ACCEPTED: [(WishStatus.NOT_ACCEPTED, {"reason": RefusalReason.COST})],
}


def service_of(organisation, name="Fibre 1 Gbps") -> Service:
    return Service.objects.create(organisation=organisation, name=name)


def draft(
    world, title=TITLE, *, description=DESCRIPTION, organisation=None, author=None, **fields
) -> Wish:
    """A draft asked for through wishes.services.wish_create: world.member's in world.org
    unless told otherwise."""
    return services.wish_create(
        organisation=organisation or world.org,
        author=author or world.member,
        title=title,
        description=description,
        **fields,
    )


def submitted(world, title=TITLE, **fields) -> Wish:
    wish = draft(world, title, **fields)
    return services.wish_submit(wish=wish, by=wish.author)


def wish_in(world, status, title=TITLE, *, by=None, **fields) -> Wish:
    """A wish moved to `status` through the services, by world.agent unless `by` says."""
    if status == WishStatus.DRAFT:
        return draft(world, title, **fields)
    wish = submitted(world, title, **fields)
    for to, carried in _PATH[status]:
        wish = services.wish_move(wish=wish, to=to, by=by or world.agent, **carried)
    return wish


class WishFactory(factory.django.DjangoModelFactory):
    """A row as it would be in `status`, without its history (see the module's note)."""

    class Meta:
        model = Wish

    organisation = factory.SubFactory(OrganisationFactory)
    author = factory.LazyAttribute(lambda wish: member_of(wish.organisation))
    number = factory.Sequence(lambda n: f"WSH-2026-{90000 + n}")
    title = factory.Sequence(lambda n: f"Wish {n}")
    description = DESCRIPTION
    status = WishStatus.SUBMITTED
