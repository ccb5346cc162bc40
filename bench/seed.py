"""Seed data for `make bench`: idempotent, bulk-inserted, sized by BENCH_* variables.

Organisations with their members and activity events, then (BENCH_TICKETS, default
100,000) tickets spread evenly over the organisations, each with a few public
replies, sometimes internal notes, watchers and attachment metadata (rows only: no
file is written, the pages measured only list attachments). Tickets, comments,
attachments and watchers are written with COPY in chunks; the whole ticket load
is one transaction, so an interrupted seed leaves nothing half-done, and a later
run tops the data up to BENCH_TICKETS (or skips when it is already there). Then
the tickets' SLA clocks, as the services would have left them (bench/seed_sla.py),
BENCH_WISHES (default 10,000) wishes over the organisations (bench/seed_wishes.py),
BENCH_DOCUMENTS (default 10,000) documents to sign (bench/seed_signing.py), and
a knowledge base of BENCH_KB_ARTICLES (default 25,000) articles in four languages
(bench/seed_knowledge.py), BENCH_RESOURCES (default 50,000) managed resources
(bench/seed_inventory.py) and a survey with BENCH_SURVEY_RESPONSES (default 10,000)
answers (bench/seed_surveys.py).
"""

import os
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from bench import (
    seed_inventory,
    seed_knowledge,
    seed_signing,
    seed_sla,
    seed_surveys,
    seed_thread,
    seed_wishes,
)
from bench.copyload import CopyLoader, next_ids

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "50"))
MEMBERS_PER_ORG = int(os.environ.get("BENCH_MEMBERS_PER_ORG", "40"))
EVENTS_PER_ORG = int(os.environ.get("BENCH_EVENTS_PER_ORG", "2000"))
TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
AGENTS = int(os.environ.get("BENCH_AGENTS", "8"))
YEAR = 2026  # numbers TKT-2026-NNNNN, formatted as tickets.services._next_number does
CHUNK = 10_000  # tickets generated and copied at a time
SEARCH_WORD = "router"  # in one subject template of twelve, no description: the search's q
DETAIL_REPLIES = 5  # the ticket detail page shows a ticket with this many public replies

# Status spread: about what a year of support looks like (mostly done, a working queue).
STATUS_WEIGHTS = {
    "new": 4,
    "open": 8,
    "in_progress": 9,
    "waiting_on_client": 7,
    "waiting_on_third_party": 4,
    "reopened": 3,
    "resolved": 10,
    "closed": 55,
}
PRIORITY_WEIGHTS = {"low": 30, "medium": 45, "high": 20, "critical": 5}
PUBLIC_REPLY_WEIGHTS = [10, 15, 20, 20, 15, 12, 8]  # 0..6 public replies
SITES = ["head office", "branch Norte", "the warehouse", "Valparaíso", "Concepción", "store 12"]
SUBJECTS = [
    "Internet down at {site}",
    "Slow connection at {site}",
    "WiFi drops every few minutes at {site}",
    "The router at {site} keeps rebooting",
    "Invoice {n} has a wrong amount",
    "Cannot reach the VPN from {site}",
    "Please add a user to our account",
    "Request a static IP for {site}",
    "Email from our domain bounces",
    "Phone line with static at {site}",
    "Change the WiFi password at {site}",
    "Report of last month's usage",
]
SENTENCES = [
    "Since this morning nobody at the office can browse.",
    "We already restarted the equipment twice without luck.",
    "The problem comes and goes, mostly in the afternoon.",
    "The speed test shows far less than what we pay for.",
    "Please call before coming, reception closes at 18:00.",
    "It affects about twenty people and the card terminals.",
    "Attached is a screenshot of the error we get.",
    "The lights on the modem blink orange.",
    "We need this before the end of the month.",
    "Thank you, it works again.",
    "Could you confirm when the technician will come?",
    "We checked the cables and everything looks connected.",
]
NOTES = [
    "Checked the line from the NOC: errors on the last mile.",
    "Escalated to the field team, visit pending.",
    "Customer already had this issue in March, same port.",
    "Waiting for the carrier's ticket number.",
]
FILES = [
    ("screenshot.png", "image/png"),
    ("speedtest.png", "image/png"),
    ("photo.jpg", "image/jpeg"),
    ("invoice.pdf", "application/pdf"),
    ("router-log.txt", "text/plain"),
    ("config.txt", "text/plain"),
]

TICKET_COLUMNS = [
    "id",
    "number",
    "priority",
    "status",
    "subject",
    "description",
    "extra",
    "escalated_at",
    "created_at",
    "updated_at",
    "last_activity_at",
    "last_client_activity_at",
    "public_reply_count",
    "resolved_at",
    "closed_at",
    "assignee_id",
    "category_id",
    "merged_into_id",
    "organisation_id",
    "request_type_id",
    "requester_id",
]
COMMENT_COLUMNS = ["id", "body", "is_internal", "created_at", "author_id", "ticket_id"]
ATTACHMENT_COLUMNS = [
    "id",
    "file",
    "name",
    "content_type",
    "size",
    "sha256",
    "is_internal",
    "created_at",
    "uploaded_by_id",
    "comment_id",
    "ticket_id",
]
WATCHER_COLUMNS = ["id", "created_at", "added_by_id", "ticket_id", "user_id"]
LOADED_TABLES = [
    "tickets_ticket",
    "tickets_comment",
    "tickets_attachment",
    "tickets_ticketwatcher",
]


def seed(tickets: int = TICKETS):
    """Seed what is missing; return (dataset counts, personas by name)."""
    from accounts.models import Organisation, User
    from activity.models import Event
    from sla.models import TicketClock
    from tickets.models import Attachment, Comment, Ticket

    loaded = _seed_people()
    agents = _seed_agents()
    # Before the generated tickets: it counts among them and takes its number first.
    loaded = seed_thread.seed(agents) or loaded
    loaded = _seed_tickets(tickets, agents) or loaded
    loaded = bool(seed_sla.seed()) or loaded
    loaded = _seed_contract(agents) or loaded
    loaded = _seed_notifications() or loaded
    loaded = seed_wishes.seed() or loaded
    loaded = seed_signing.seed() or loaded
    loaded = seed_knowledge.seed() or loaded
    loaded = seed_inventory.seed() or loaded
    loaded = seed_surveys.seed() or loaded
    if loaded and not connection.in_atomic_block:  # VACUUM cannot run in a transaction
        with connection.cursor() as cursor:
            # Outside the load's transaction: fresh statistics and visibility maps
            # everywhere, as autovacuum would leave them on a production database.
            cursor.execute("VACUUM ANALYZE")
    dataset = {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "tickets": Ticket.objects.count(),
        "comments": Comment.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": Event.objects.count(),
        "sla_clocks": TicketClock.objects.count(),
        "time_entries_in_contract_period": _contract_period().entries.count(),
        "wishes": seed_wishes.bench_wishes().count(),
        "documents": seed_signing.bench_documents().count(),
        "knowledge_texts": seed_knowledge.bench_texts().count(),
        "resources": seed_inventory.bench_resources().count(),
        "survey_responses": seed_surveys.bench_responses().count(),
    }
    return dataset, _personas(agents)


CONTRACT_ENTRIES = int(os.environ.get("BENCH_CONTRACT_ENTRIES", "10000"))


def _contract():
    from accounts.models import Organisation
    from contracts.models import BankKind, Contract

    contract, _ = Contract.objects.get_or_create(
        organisation=Organisation.objects.get(slug="bench-0"),
        name="Bench hours bank",
        defaults={
            "start_date": date(2026, 1, 1),
            "bank_kind": BankKind.MONTHLY,
            "bank_hours": Decimal("2000"),
            "extra_hour_price": Decimal("45"),
        },
    )
    return contract


def _contract_period():
    from contracts.services import current_period

    return current_period(_contract())


def _seed_contract(agents) -> bool:
    """10,000 time entries in the current period of one contract (the issue's figure)."""
    from django.db.models import Sum

    from contracts import services as contract_services
    from contracts.models import BankPeriod, TimeEntry
    from tickets.models import Ticket

    period = _contract_period()
    missing = CONTRACT_ENTRIES - period.entries.count()
    if missing <= 0:
        return False
    tickets = list(
        Ticket.objects.filter(organisation__slug="bench-0")
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    start = datetime.combine(period.start, time(12), tzinfo=UTC)
    now = timezone.now()
    span = max((now - start).total_seconds(), 3600)
    TimeEntry.objects.bulk_create(
        (
            TimeEntry(
                ticket_id=tickets[i % len(tickets)],
                period=period,
                agent=agents[i % len(agents)],
                performed_at=start + timedelta(seconds=span * i / missing),
                minutes=5 + (i % 12) * 5,
                description=f"Checked the configuration and the logs ({i})",
                billable=i % 10 != 0,
            )
            for i in range(missing)
        ),
        batch_size=2000,
    )
    used = period.entries.filter(billable=True).aggregate(total=Sum("minutes"))["total"] or 0
    BankPeriod.objects.filter(pk=period.pk).update(used_minutes=used)
    # Bulk-created entries bypass the services that keep each ticket's totals.
    contract_services.recount_ticket_totals(period)
    return True


@transaction.atomic
def _seed_people() -> bool:
    from accounts.models import Membership, Organisation, Role, User
    from activity.models import Event

    if Organisation.objects.filter(slug="bench-0").exists():
        return False
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
    return True


@transaction.atomic
def _seed_agents() -> list:
    """Staff agents (in the 'agent' group) to assign tickets to; the first is a persona."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import AGENT, sync_staff_groups

    sync_staff_groups()
    group = Group.objects.get(name=AGENT)
    agents = []
    for k in range(AGENTS):
        agent, _ = User.objects.get_or_create(
            email=f"agent{k}@bench.test",
            defaults={
                "display_name": f"Agent {k}",
                "is_staff": True,
                "language": "en",
                "timezone": "America/Santiago",
                "password": "!",
            },
        )
        agent.groups.add(group)
        agents.append(agent)
    return agents


def _seed_tickets(target: int, agents) -> bool:
    """Top the tickets up to `target`; False when they are already there."""
    from tickets.models import Ticket

    bench_tickets = Ticket.objects.filter(organisation__slug__startswith="bench-")
    if bench_tickets.count() >= target:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.tickets'))")
        missing = target - bench_tickets.count()
        if missing <= 0:
            return False
        _TicketLoader(agents).load(missing)
    return True


# The name the seeds and jobs import it by.
_next_ids = next_ids


def _other_columns(model, columns) -> dict:
    """Columns added to the model since this seed was written: their default, once."""
    extra = {}
    for field in model._meta.concrete_fields:
        if field.column not in columns:
            if field.has_default():
                value = field.get_default()
            else:
                # A blank text column has no default but is NOT NULL: "" as Django writes it.
                value = "" if field.empty_strings_allowed and not field.null else None
            extra[field.column] = field.get_db_prep_save(value, connection)
    return extra


class _TicketLoader(CopyLoader):
    """Generates tickets with their comments, attachments and watchers, and COPYs them in."""

    tables = LOADED_TABLES

    def __init__(self, agents):
        from accounts.models import Membership, Organisation
        from tickets.models import Category, TicketNumber

        self.rng = random.Random(20260101)
        self.now = timezone.now()
        self.agent_ids = [a.pk for a in agents]
        self.categories = list(Category.objects.order_by("pk").values_list("pk", flat=True))
        self.orgs = list(
            Organisation.objects.filter(slug__startswith="bench-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        members: dict[int, list[int]] = {org: [] for org in self.orgs}
        for org, user in (
            Membership.objects.filter(organisation__in=self.orgs, is_active=True)
            .order_by("pk")
            .values_list("organisation_id", "user_id")
        ):
            members[org].append(user)
        self.members = members
        last = TicketNumber.objects.filter(year=YEAR).values_list("last", flat=True).first()
        self.number = last or 0
        self.generated = 0
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())
        self.priorities = list(PRIORITY_WEIGHTS)
        self.priority_weights = list(PRIORITY_WEIGHTS.values())

    def load(self, count: int):
        from tickets.models import Attachment, Comment, Ticket, TicketNumber, TicketWatcher

        self.columns = {
            model._meta.db_table: (columns, _other_columns(model, columns))
            for model, columns in (
                (Ticket, TICKET_COLUMNS),
                (Comment, COMMENT_COLUMNS),
                (Attachment, ATTACHMENT_COLUMNS),
                (TicketWatcher, WATCHER_COLUMNS),
            )
        }

        self._load_chunks(count, self._ticket, CHUNK)
        # New tickets opened on the bench database continue the numbering.
        TicketNumber.objects.update_or_create(year=YEAR, defaults={"last": self.number})

    def _moment(self, start, end):
        return start + (end - start) * self.rng.random()

    def _ticket(self, rows):
        rng = self.rng
        self.number += 1
        self.generated += 1
        first = self.generated == 1
        ticket_id = self._id("tickets_ticket")
        org = self.orgs[(self.generated - 1) % len(self.orgs)]
        people = self.members[org]
        if first:
            # A known ticket for the detail page: bench-0's first member's, DETAIL_REPLIES replies.
            requester = people[1] if len(people) > 1 else people[0]
            status, replies, internal_notes = "in_progress", DETAIL_REPLIES, 2
        else:
            requester = rng.choice(people)
            status = rng.choices(self.statuses, self.status_weights)[0]
            replies = rng.choices(range(len(PUBLIC_REPLY_WEIGHTS)), PUBLIC_REPLY_WEIGHTS)[0]
            internal_notes = rng.choices((0, 1, 2), (70, 20, 10))[0]
        created = self.now - timedelta(days=365) * rng.random()
        span = min(timedelta(days=rng.expovariate(1 / 6)), self.now - created)
        last_activity = created + span
        subject = rng.choice(SUBJECTS).format(site=rng.choice(SITES), n=rng.randrange(10**6))
        description = " ".join(rng.sample(SENTENCES, rng.randint(2, 5)))
        assignee = None
        if status != "new" or rng.random() < 0.3:
            assignee = rng.choice(self.agent_ids)
        agent = assignee or rng.choice(self.agent_ids)

        # The thread: public replies alternate client and agent, the last one is the
        # ticket's last visible activity; internal notes fall in between.
        times = sorted(self._moment(created, last_activity) for _ in range(replies))
        if times:
            times[-1] = last_activity
        last_client = created
        comment_ids = []
        for k, when in enumerate(times):
            by_client = k % 2 == 1 or rng.random() < 0.2
            author = requester if by_client else agent
            if by_client:
                last_client = when
            comment_id = self._id("tickets_comment")
            comment_ids.append((comment_id, author, when, False))
            rows["tickets_comment"].append(
                (comment_id, " ".join(rng.sample(SENTENCES, 2)), False, when, author, ticket_id)
            )
        for _ in range(internal_notes):
            when = self._moment(created, last_activity)
            comment_id = self._id("tickets_comment")
            comment_ids.append((comment_id, agent, when, True))
            rows["tickets_comment"].append(
                (comment_id, rng.choice(NOTES), True, when, agent, ticket_id)
            )

        # Attachment metadata: some on the opening message, some on comments.
        if first or rng.random() < 0.3:
            self._attachment(rows, ticket_id, requester, None, created, False)
        for comment_id, author, when, internal in comment_ids:
            if (first and not internal) or rng.random() < 0.12:
                self._attachment(rows, ticket_id, author, comment_id, when, internal)

        # Now and then a colleague follows the ticket.
        if len(people) > 1 and rng.random() < 0.08:
            watcher = rng.choice([p for p in people if p != requester])
            rows["tickets_ticketwatcher"].append(
                (self._id("tickets_ticketwatcher"), created, requester, ticket_id, watcher)
            )

        resolved_at = closed_at = None
        if status in ("resolved", "closed"):
            resolved_at = (
                last_activity if status == "resolved" else self._moment(created, last_activity)
            )
        if status == "closed":
            closed_at = last_activity
        escalated_at = created + (last_activity - created) / 2 if rng.random() < 0.03 else None
        rows["tickets_ticket"].append(
            (
                ticket_id,
                f"TKT-{YEAR}-{self.number:05d}",
                rng.choices(self.priorities, self.priority_weights)[0],
                status,
                subject,
                description,
                "{}",
                escalated_at,
                created,
                last_activity,
                last_activity,
                last_client,
                replies,
                resolved_at,
                closed_at,
                assignee,
                rng.choice(self.categories) if self.categories and rng.random() < 0.95 else None,
                None,
                org,
                None,
                requester,
            )
        )

    def _attachment(self, rows, ticket_id, by, comment_id, when, internal):
        rng = self.rng
        name, content_type = rng.choice(FILES)
        sha = f"{rng.getrandbits(256):064x}"
        rows["tickets_attachment"].append(
            (
                self._id("tickets_attachment"),
                f"attachments/{ticket_id}/{sha[:2]}/{sha}",
                name,
                content_type,
                rng.randint(2_000, 4_000_000),
                sha,
                internal,
                when,
                by,
                comment_id,
                ticket_id,
            )
        )


NOTIFICATIONS = 5_000  # the member's notification centre; one in four unread


@transaction.atomic
def _seed_notifications() -> bool:
    """The member persona's in-portal notifications, on its organisation's public events."""
    from accounts.models import Membership
    from activity.models import Event
    from notifications.models import Notification

    member = (
        Membership.objects.filter(organisation__slug="bench-0", role="member")
        .order_by("pk")
        .first()
        .user
    )
    if Notification.objects.filter(user=member).exists():
        return False
    events = Event.objects.filter(organisation__slug="bench-0", visibility="public").order_by(
        "-pk"
    )[:NOTIFICATIONS]
    Notification.objects.bulk_create(
        (
            Notification(
                event=event,
                user=member,
                channel="portal",
                status="sent",
                sent_at=event.created_at,
                created_at=event.created_at,
                read_at=None if i % 4 == 0 else event.created_at,
                announced_at=event.created_at,
            )
            for i, event in enumerate(events)
        ),
        batch_size=5000,
    )
    return True


def _personas(agents) -> dict:
    from accounts.models import Membership as M
    from tickets.models import Ticket

    manager = M.objects.filter(organisation__slug="bench-0", role="manager").get().user
    member = (
        M.objects.filter(organisation__slug="bench-0", role="member").order_by("pk").first().user
    )
    personas = {"manager": manager, "member": member, "agent": agents[0]}
    detail = (
        Ticket.objects.filter(requester=member, public_reply_count=DETAIL_REPLIES)
        .order_by("pk")
        .first()
    )
    if detail is None:
        raise RuntimeError(f"no ticket of {member} with {DETAIL_REPLIES} replies to show")
    personas["detail_ticket"] = detail
    personas["thread_ticket"] = seed_thread.thread_ticket()
    personas["pending_document"] = seed_signing.pending_document(member)
    if personas["pending_document"] is None:
        raise RuntimeError(f"no document waiting for {member}'s signature to show")
    personas["detail_resource"] = seed_inventory.detail_resource()
    if personas["detail_resource"] is None:
        raise RuntimeError("no resource of bench-0 to show")
    personas["supervisor"] = seed_surveys.supervisor()
    personas["survey_form"] = seed_surveys.bench_form()
    personas["survey_invitation"] = seed_surveys.waiting_invitation(member)
    if personas["survey_invitation"] is None:
        raise RuntimeError(f"no survey waiting for {member}'s answers to show")
    return personas
