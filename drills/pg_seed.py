"""Seed and inspect the drill's own PostgreSQL cluster (drills/test_postgres_restart.py).

Run as a subprocess with DATABASE_URL pointing at that cluster, since the test
process itself is connected to pytest-django's test database:

    python -m drills.pg_seed seed     # people, tickets and two sessions, as JSON
    python -m drills.pg_seed check    # what the drill counts afterwards, as JSON
"""

import json
import sys

import django


def seed(tickets: int = 8) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from accounts.models import Role
    from accounts.roles import AGENT, SUPERVISOR, sync_staff_groups
    from tests.factories import OrganisationFactory, UserFactory, member_of
    from tickets import services

    org = OrganisationFactory(name="Andes Fibra", slug="andes", default_language="es")
    sync_staff_groups()
    agent = UserFactory(email="agent@support.test", is_staff=True, display_name="Ana Agent")
    agent.groups.add(Group.objects.get(name=AGENT))
    supervisor = UserFactory(email="supervisor@support.test", is_staff=True)
    supervisor.groups.add(Group.objects.get(name=SUPERVISOR))
    member = member_of(org, Role.MEMBER, email="member@andes.test", display_name="Diego")
    numbers = []
    for n in range(tickets):
        with transaction.atomic():
            ticket = services.ticket_open(
                organisation=org,
                requester=member,
                subject=f"Seeded ticket {n}",
                description="Seeded before the restart.",
            )
            services.ticket_assign(ticket=ticket, assignee=agent, by=supervisor)
        numbers.append([ticket.number, ticket.pk])

    def session(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    # The seed's own events are not the drill's: only what the load writes is counted.
    from django.utils import timezone

    from activity.models import Event

    Event.objects.update(dispatched_at=timezone.now())
    return {"member": session(member), "agent": session(agent), "tickets": numbers}


def check() -> dict:
    """Half-written tickets and replies, events not dispatched, and totals.

    First the outbox sweep, as beat runs it every minute: an event whose
    dispatch never happened is queued again (counted as `requeued`).
    """
    from activity.tasks import outbox_sweep

    requeued = outbox_sweep()
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast

    from activity.models import Event
    from tickets.models import Comment, Ticket

    as_text = Cast("pk", CharField())
    opened = Event.objects.filter(verb="ticket_opened", target_id=OuterRef("pk_text"))
    tickets = Ticket.objects.annotate(pk_text=as_text).annotate(has_event=Exists(opened))
    replied = Event.objects.filter(verb="ticket_replied", target_id=OuterRef("pk_text"))
    comments = (
        Comment.objects.filter(is_internal=False)
        .annotate(pk_text=as_text)
        .annotate(has_event=Exists(replied))
    )
    return {
        "requeued": requeued,
        "tickets": Ticket.objects.count(),
        "tickets_without_event": list(
            tickets.filter(has_event=False).values_list("number", flat=True)
        ),
        "tickets_without_number": Ticket.objects.filter(number="").count(),
        "comments": comments.count(),
        "comments_without_event": comments.filter(has_event=False).count(),
        "events": Event.objects.count(),
        "events_undispatched": Event.objects.filter(dispatched_at__isnull=True).count(),
        "subjects": list(Ticket.objects.values_list("subject", flat=True)),
        "comment_bodies": list(comments.values_list("body", flat=True)),
    }


def main() -> None:
    django.setup()
    command = sys.argv[1]
    result = seed() if command == "seed" else check()
    print("JSON:" + json.dumps(result))


if __name__ == "__main__":
    main()
