"""The bench's wishes: BENCH_WISHES (default 10,000) over the bench organisations.

Spread over the board's columns (and a few drafts) as a few years of asking would
leave them, each with its versions, the colleagues' votes and a thread of public
comments and internal notes, and the counters the services keep (votes_count,
comments_count) equal to those rows. Written with COPY in one transaction, like
the tickets (bench/seed.py); a later run tops the wishes up to BENCH_WISHES, or
skips when they are there.
"""

import os
import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

WISHES = int(os.environ.get("BENCH_WISHES", "10000"))
YEAR = 2026  # numbers WSH-2026-NNNNN, formatted as wishes.services._next_number does
CHUNK = 5_000  # wishes generated and copied at a time

STATUS_WEIGHTS = {
    "draft": 3,
    "submitted": 14,
    "in_review": 9,
    "changes_requested": 6,
    "approved": 9,
    "planned": 9,
    "in_progress": 8,
    "done": 27,
    "not_accepted": 15,
}
VALUE_WEIGHTS = {"low": 25, "medium": 45, "high": 22, "critical": 8}
VOTE_WEIGHTS = [30, 20, 15, 10, 8, 6, 4, 3, 2, 2]  # 0..9 votes
PUBLIC_COMMENT_WEIGHTS = [35, 25, 15, 10, 8, 7]  # 0..5 public comments
ACCEPTED = ("approved", "planned", "in_progress", "done")
REASONS = ["out_of_scope", "not_feasible", "cost", "duplicate", "already_possible", "other"]
SITES = ["head office", "branch Norte", "the warehouse", "Valparaíso", "Concepción", "store 12"]
TITLES = [
    "Monthly availability report for {site}",
    "SMS alert when the link at {site} goes down",
    "Guest WiFi at {site}",
    "Daily backup of the firewall configuration",
    "VPN access for our suppliers",
    "More bandwidth at {site} in the evenings",
    "Names instead of IP addresses for the printers at {site}",
    "Usage dashboard for the managers",
    "A second link for {site}",
    "Block file sharing sites during office hours",
]
SENTENCES = [
    "Today we learn of outages when our users complain.",
    "The board asks for this every quarter.",
    "It would save our team an hour every week.",
    "Our clients at {site} depend on it.",
    "We would need it before the end of the year.",
    "The other branches would use it as well.",
    "We can test it on a Saturday if that helps.",
]
COMMENTS = [
    "We would use it too.",
    "Any news on this one?",
    "We are looking at how to do it with the current equipment.",
    "Could you tell us which sites need it?",
    "Thank you, that is what we needed.",
    "It is on the plan for next month.",
]
NOTES = [
    "Needs the network team's review before we commit to a date.",
    "Same request as another client's last year: reuse that configuration.",
    "The contract renewal is due soon, check with the account manager.",
]

WISH_COLUMNS = [
    "id",
    "number",
    "title",
    "description",
    "value",
    "desired_date",
    "visible_to_organisation",
    "status",
    "position",
    "decision_note",
    "refusal_reason",
    "estimate_hours",
    "counts_against_bank",
    "target_date",
    "votes_count",
    "comments_count",
    "created_at",
    "submitted_at",
    "status_changed_at",
    "updated_at",
    "author_id",
    "organisation_id",
    "resubmitted_from_id",
]
VERSION_COLUMNS = [
    "id",
    "number",
    "title",
    "description",
    "submitted_at",
    "submitted_by_id",
    "wish_id",
]
VOTE_COLUMNS = ["id", "created_at", "user_id", "wish_id"]
COMMENT_COLUMNS = ["id", "body", "is_internal", "created_at", "author_id", "wish_id"]
LOADED_TABLES = [
    "wishes_wish",
    "wishes_wishversion",
    "wishes_wishvote",
    "wishes_wishcomment",
]


def bench_wishes():
    from wishes.models import Wish

    return Wish.objects.filter(organisation__slug__startswith="bench-")


def seed(target: int | None = None) -> bool:
    """Top the bench's wishes up to `target` (BENCH_WISHES); False when they are there."""
    target = WISHES if target is None else target
    if bench_wishes().count() >= target:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.wishes'))")
        missing = target - bench_wishes().count()
        if missing <= 0:
            return False
        _WishLoader().load(missing)
    return True


class _WishLoader:
    """Generates wishes with their versions, votes and comments, and COPYs them in."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Max

        from accounts.models import Membership, Organisation
        from wishes.models import Wish, WishNumber

        self.rng = random.Random(20260202)
        self.now = timezone.now()
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
        self.agents = list(
            get_user_model()
            .objects.filter(is_staff=True, email__endswith="@bench.test")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        last = WishNumber.objects.filter(year=YEAR).values_list("last", flat=True).first()
        self.number = last or 0
        # Each column continues after its last card, as wishes.services._last_position does.
        self.positions = {status: 0.0 for status in STATUS_WEIGHTS}
        for status, position in (
            Wish.objects.order_by().values_list("status").annotate(top=Max("position"))
        ):
            self.positions[status] = position or 0.0
        self.generated = 0
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())
        self.values = list(VALUE_WEIGHTS)
        self.value_weights = list(VALUE_WEIGHTS.values())

    def load(self, count: int):
        from bench.seed import _next_ids, _other_columns
        from wishes.models import Wish, WishComment, WishNumber, WishVersion, WishVote

        columns = {
            model._meta.db_table: (names, _other_columns(model, names))
            for model, names in (
                (Wish, WISH_COLUMNS),
                (WishVersion, VERSION_COLUMNS),
                (WishVote, VOTE_COLUMNS),
                (WishComment, COMMENT_COLUMNS),
            )
        }
        with connection.cursor() as cursor:
            self.ids = {table: _next_ids(cursor, table) for table in LOADED_TABLES}
            done = 0
            while done < count:
                size = min(CHUNK, count - done)
                rows = {table: [] for table in LOADED_TABLES}
                for _ in range(size):
                    self._wish(rows)
                for table, (names, extra) in columns.items():
                    listed = ", ".join([*names, *extra])
                    tail = tuple(extra.values())
                    with cursor.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                        for row in rows[table]:
                            copy.write_row(row + tail)
                done += size
            for table in LOADED_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
        # Wishes asked for on the bench database continue the numbering.
        WishNumber.objects.update_or_create(year=YEAR, defaults={"last": self.number})

    def _id(self, table) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _moment(self, start, end):
        return start + (end - start) * self.rng.random()

    def _wish(self, rows):
        rng = self.rng
        self.number += 1
        self.generated += 1
        wish_id = self._id("wishes_wish")
        org = self.orgs[(self.generated - 1) % len(self.orgs)]
        people = self.members[org]
        author = rng.choice(people)
        status = rng.choices(self.statuses, self.status_weights)[0]
        site = rng.choice(SITES)
        title = rng.choice(TITLES).format(site=site)
        description = " ".join(rng.sample(SENTENCES, rng.randint(2, 4))).format(site=site)
        shared = rng.random() < 0.9
        created = self.now - timedelta(days=365) * rng.random()
        draft = status == "draft"
        submitted = None if draft else created + timedelta(minutes=rng.randint(5, 600))
        changed = created if draft else self._moment(submitted, self.now)
        self.positions[status] += 1

        decision_note, reason, estimate, target = "", "", None, None
        if status == "changes_requested":
            decision_note = "Could you tell us which sites need it?"
        if status == "not_accepted":
            reason = rng.choice(REASONS)
            decision_note = (
                "It is outside the services we manage for you." if reason == "other" else ""
            )
        if status in ACCEPTED and rng.random() < 0.7:
            estimate = Decimal(rng.randint(1, 40))
        if status == "planned" or (status in ACCEPTED and rng.random() < 0.3):
            target = (self.now + timedelta(days=rng.randint(7, 120))).date()

        # Versions: one per submission; some went back to their author once before.
        if not draft:
            resent = status != "submitted" and rng.random() < 0.1
            sent = [submitted, self._moment(submitted, changed)] if resent else [submitted]
            for k, when in enumerate(sent, start=1):
                rows["wishes_wishversion"].append(
                    (self._id("wishes_wishversion"), k, title, description, when, author, wish_id)
                )

        # Colleagues' votes on a shared wish, and a thread of comments.
        votes = comments = 0
        last = changed
        if not draft:
            colleagues = [p for p in people if p != author]
            if shared and colleagues:
                wanted = rng.choices(range(len(VOTE_WEIGHTS)), VOTE_WEIGHTS)[0]
                for voter in rng.sample(colleagues, min(wanted, len(colleagues))):
                    rows["wishes_wishvote"].append(
                        (
                            self._id("wishes_wishvote"),
                            self._moment(submitted, changed),
                            voter,
                            wish_id,
                        )
                    )
                    votes += 1
            comments = rng.choices(range(len(PUBLIC_COMMENT_WEIGHTS)), PUBLIC_COMMENT_WEIGHTS)[0]
            for k in range(comments):
                by = rng.choice(self.agents) if k % 2 and self.agents else rng.choice(people)
                when = self._moment(submitted, self.now)
                last = max(last, when)
                rows["wishes_wishcomment"].append(
                    (self._id("wishes_wishcomment"), rng.choice(COMMENTS), False, when, by, wish_id)
                )
            if self.agents and rng.random() < 0.15:
                rows["wishes_wishcomment"].append(
                    (
                        self._id("wishes_wishcomment"),
                        rng.choice(NOTES),
                        True,
                        self._moment(submitted, self.now),
                        rng.choice(self.agents),
                        wish_id,
                    )
                )

        rows["wishes_wish"].append(
            (
                wish_id,
                f"WSH-{YEAR}-{self.number:05d}",
                title,
                description,
                rng.choices(self.values, self.value_weights)[0],
                (created + timedelta(days=rng.randint(30, 200))).date()
                if rng.random() < 0.3
                else None,
                shared,
                status,
                self.positions[status],
                decision_note,
                reason,
                estimate,
                estimate is not None and rng.random() < 0.5,
                target,
                votes,
                comments,
                created,
                submitted,
                changed,
                last,
                author,
                org,
                None,
            )
        )
