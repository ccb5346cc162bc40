"""Seed data for `make bench`: idempotent, bulk-inserted, sized by BENCH_* variables."""

import os

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "50"))
MEMBERS_PER_ORG = int(os.environ.get("BENCH_MEMBERS_PER_ORG", "40"))
EVENTS_PER_ORG = int(os.environ.get("BENCH_EVENTS_PER_ORG", "2000"))


@transaction.atomic
def seed():
    from accounts.models import Membership, Organisation, Role, User
    from activity.models import Event

    if not Organisation.objects.filter(slug="bench-0").exists():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench {i}",
                slug=f"bench-{i}",
                country="CL",
                timezone="America/Santiago",
                default_language="es",
            )
            for i in range(ORGANISATIONS)
        )
        password = User(email="x@x").password or "!"  # unusable: sessions are forged
        users = User.objects.bulk_create(
            User(
                email=f"user{o}-{m}@bench.test",
                display_name=f"User {o}-{m}",
                language="es",
                timezone="America/Santiago",
                password=password,
            )
            for o in range(ORGANISATIONS)
            for m in range(MEMBERS_PER_ORG)
        )
        Membership.objects.bulk_create(
            Membership(
                user=users[o * MEMBERS_PER_ORG + m],
                organisation=org,
                role=Role.MANAGER if m == 0 else Role.MEMBER,
            )
            for o, org in enumerate(orgs)
            for m in range(MEMBERS_PER_ORG)
        )
        membership_type = ContentType.objects.get_for_model(Membership)
        memberships = list(Membership.objects.filter(organisation__in=orgs).order_by("pk"))
        Event.objects.bulk_create(
            (
                Event(
                    organisation_id=ms.organisation_id,
                    actor_id=ms.user_id,
                    verb="member_joined",
                    target_type=membership_type,
                    target_id=str(ms.pk),
                    data={"member": f"User {i}", "role": ms.role},
                    visibility="public" if i % 5 else "internal",
                )
                for i, ms in enumerate(memberships * (EVENTS_PER_ORG // MEMBERS_PER_ORG))
            ),
            batch_size=5000,
        )
    from accounts.models import Membership as M

    personas = {
        "manager": M.objects.filter(organisation__slug="bench-0", role="manager").get().user,
        "member": M.objects.filter(organisation__slug="bench-0", role="member").first().user,
    }
    dataset = {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "events": Event.objects.count(),
    }
    return dataset, personas


def pages(personas):
    return {
        "login": (None, "/account/login/"),
        "dashboard": (personas["member"], "/dashboard/"),
        "team (40 people)": (personas["manager"], "/account/team/"),
        "healthz": (None, "/healthz"),
    }
