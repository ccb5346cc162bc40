"""The bench's documents to sign: BENCH_DOCUMENTS (default 10,000) over the bench organisations.

Each document is sent to one to three people of its organisation (members and the
manager) and left as the services leave it at each status: waiting for signatures
(those before the signer asked now have signed, those after wait their turn; or
everyone asked at once), signed by all, declined by one (the signers after them
void), expired or cancelled (whoever had not signed void). Each has one version: the
same small real PDF for all, with its SHA-256 and pages (bench/seed_signing_pdf.py);
a completed one's "sealed" file is another real PDF, not sealed (verifying it says
"unsigned"). Each has its audit trail (prepared, sent, each signer's view, consent
and signature or refusal, how it ended), chained by hashes as
signing.services.common.audit chains them, so trail_intact holds and the services'
later rows chain on. No activity events are written.

bench-0's member persona (bench/seed.py) is asked to sign MEMBER_PENDING documents now
(every other one opened already) and is a signer of about half of bench-0's finished
ones; the manager sees all of bench-0's, BENCH_DOCUMENTS / BENCH_ORGANISATIONS.

Numbers are DOC-2026-NNNNN and DocumentNumber moves past them, as
signing.services.common._next_number counts, so documents sent later on the bench
database do not collide. Written with COPY in one transaction under an advisory lock,
like the tickets and wishes (bench/seed.py); a later run tops the documents up to
BENCH_DOCUMENTS, or skips when they are there.
"""

import hashlib
import os
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench import seed_signing_pdf
from bench.copyload import CopyLoader

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "10000"))
YEAR = 2026  # numbers DOC-2026-NNNNN, formatted as signing.services.common._next_number does
CHUNK = 2_500  # documents generated and copied at a time
MEMBER_PENDING = 10  # what waits for bench-0's member persona's signature
LANGUAGE = "es"  # the bench organisations' language

STATUS_WEIGHTS = {"sent": 12, "completed": 62, "declined": 8, "expired": 8, "cancelled": 10}
SIGNER_WEIGHTS = {1: 35, 2: 45, 3: 20}
TITLES = [
    "Acuerdo de nivel de servicio {year}",
    "Orden de trabajo: instalación de fibra en {site}",
    "Acta de recepción de equipos en {site}",
    "Anexo de contrato: ampliación de ancho de banda en {site}",
    "Informe mensual de disponibilidad de {site}",
    "Autorización de acceso de técnicos a {site}",
    "Presupuesto de renovación de red en {site}",
    "Acuerdo de confidencialidad",
]
SITES = ["casa matriz", "sucursal Norte", "la bodega", "Valparaíso", "Concepción", "tienda 12"]
MESSAGES = [
    "",
    "",
    "Por favor revise y firme antes de la fecha indicada.",
    "Adjuntamos el documento acordado en la reunión.",
]
DECLINE_REASONS = [
    "El monto no corresponde a lo conversado.",
    "Falta incluir la sucursal Norte.",
    "La fecha de instalación no nos sirve.",
]
CANCEL_REASONS = [
    "Se envió por error, enviaremos la versión corregida.",
    "El cliente pidió postergar el trabajo.",
]
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
)

DOCUMENT_COLUMNS = [
    "id",
    "number",
    "organisation_id",
    "title",
    "language",
    "message",
    "source",
    "in_order",
    "due_at",
    "expires_at",
    "status",
    "created_by_id",
    "created_at",
    "sent_at",
    "finished_at",
    "cancel_reason",
    "sealed_file",
    "sealed_sha256",
]
VERSION_COLUMNS = [
    "id",
    "document_id",
    "number",
    "file",
    "name",
    "sha256",
    "pages",
    "created_at",
    "created_by_id",
]
SIGNER_COLUMNS = [
    "id",
    "document_id",
    "version_id",
    "user_id",
    "order",
    "status",
    "asked_at",
    "viewed_at",
    "signed_at",
    "declined_at",
    "decline_reason",
    "typed_name",
    "typed_signature",
    "auth_method",
    "consent_version",
    "consent_text",
    "consent_sha256",
    "ip",
    "user_agent",
    "time_zone",
]
EVENT_COLUMNS = [
    "id",
    "document_id",
    "version_id",
    "signer_id",
    "actor_id",
    "kind",
    "at",
    "ip",
    "user_agent",
    "detail",
    "previous_hash",
    "hash",
]
LOADED_TABLES = [
    "signing_document",
    "signing_documentversion",
    "signing_signer",
    "signing_documentevent",
]


def bench_documents():
    from signing.models import Document

    return Document.objects.filter(organisation__slug__startswith="bench-")


def pending_document(member):
    """A document bench-0's member is asked to sign now and has opened before: the bench's
    document page (opening it again records nothing)."""
    from signing.models import Document

    return (
        Document.objects.filter(
            organisation__slug="bench-0",
            status="sent",
            signers__user=member,
            signers__status="pending",
            signers__viewed_at__isnull=False,
        )
        .order_by("pk")
        .first()
    )


def seed(target: int | None = None) -> bool:
    """Top the bench's documents up to `target` (BENCH_DOCUMENTS); False when they are there."""
    target = DOCUMENTS if target is None else target
    if bench_documents().count() >= target:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.signing'))")
        missing = target - bench_documents().count()
        if missing <= 0:
            return False
        _DocumentLoader().load(missing)
    return True


# The rows -------------------------------------------------------------------------------


class _DocumentLoader(CopyLoader):
    """Generates documents with their version, signers and trail, and COPYs them in."""

    tables = LOADED_TABLES

    def __init__(self):
        from django.contrib.auth import get_user_model

        from accounts.models import Membership, Organisation
        from signing import consent
        from signing.models import DocumentNumber, Signer

        self.rng = random.Random(20260303)
        self.now = timezone.now()
        self.orgs = list(
            Organisation.objects.filter(slug__startswith="bench-")
            .order_by("pk")
            .values_list("pk", "slug")
        )
        members: dict[int, list[int]] = {org: [] for org, _ in self.orgs}
        for org, user in (
            Membership.objects.filter(organisation__in=members, is_active=True)
            .order_by("pk")
            .values_list("organisation_id", "user_id")
        ):
            members[org].append(user)
        self.members = members
        users = get_user_model().objects.filter(
            pk__in=[u for people in members.values() for u in people]
        )
        self.names = dict(users.values_list("pk", "display_name"))
        self.zones = dict(users.values_list("pk", "timezone"))
        self.agents = list(
            get_user_model()
            .objects.filter(is_staff=True, email__endswith="@bench.test")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # bench-0's member persona, as bench/seed.py's _personas picks it.
        persona = (
            Membership.objects.filter(organisation__slug="bench-0", role="member")
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        self.persona = persona
        self.persona_org = next((org for org, slug in self.orgs if slug == "bench-0"), None)
        self.persona_pending = Signer.objects.filter(
            user=persona, status="pending", document__status="sent"
        ).count()
        last = DocumentNumber.objects.filter(year=YEAR).values_list("last", flat=True).first()
        self.number = last or 0
        self.generated = bench_documents().count()
        self.consent_text, self.consent_sha = consent.consent(LANGUAGE)
        self.consent_version = consent.VERSION
        self.files = seed_signing_pdf.files()
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())

    def load(self, count: int):
        from bench.seed import _other_columns
        from signing.models import Document, DocumentEvent, DocumentNumber, DocumentVersion, Signer

        self.columns = {
            model._meta.db_table: (names, _other_columns(model, names))
            for model, names in (
                (Document, DOCUMENT_COLUMNS),
                (DocumentVersion, VERSION_COLUMNS),
                (Signer, SIGNER_COLUMNS),
                (DocumentEvent, EVENT_COLUMNS),
            )
        }
        self._load_chunks(count, self._document, CHUNK)
        # Documents sent later on the bench database continue the numbering.
        DocumentNumber.objects.update_or_create(year=YEAR, defaults={"last": self.number})

    def _between(self, start, end):
        return start + (end - start) * self.rng.random()

    def _people(self, org, status) -> tuple[str, list[int], int | None]:
        """The status and signers (in order); the index of the persona's pending request."""
        rng = self.rng
        people = self.members[org]
        count = rng.choices(list(SIGNER_WEIGHTS), list(SIGNER_WEIGHTS.values()))[0]
        if org != self.persona_org or self.persona is None:
            return status, rng.sample(people, min(count, len(people))), None
        others = [p for p in people if p != self.persona]
        if self.persona_pending < MEMBER_PENDING:
            # What waits for the persona now: its turn has come.
            self.persona_pending += 1
            chosen = rng.sample(others, min(count - 1, len(others)))
            turn = rng.randrange(len(chosen) + 1)
            chosen.insert(turn, self.persona)
            return "sent", chosen, turn
        if status == "sent" or rng.random() < 0.5:
            return status, rng.sample(others, min(count, len(others))), None
        chosen = rng.sample(others, min(count - 1, len(others)))
        chosen.insert(rng.randrange(len(chosen) + 1), self.persona)
        return status, chosen, None

    def _document(self, rows):
        rng = self.rng
        self.number += 1
        self.generated += 1
        document_id = self._id("signing_document")
        version_id = self._id("signing_documentversion")
        org = self.orgs[(self.generated - 1) % len(self.orgs)][0]
        status = rng.choices(self.statuses, self.status_weights)[0]
        status, people, persona_turn = self._people(org, status)
        agent = rng.choice(self.agents)
        number = f"DOC-{YEAR}-{self.number:05d}"
        in_order = len(people) == 1 or rng.random() < 0.8

        # When: what still waits was sent in the last three weeks, the rest over two years.
        if status == "sent":
            created = self.now - timedelta(days=21) * rng.random() - timedelta(hours=2)
        else:
            # Old enough to have expired (at most 52 days after it was prepared).
            created = self.now - timedelta(days=60) - timedelta(days=700) * rng.random()
        sent = created + timedelta(minutes=rng.randint(10, 60 * 24))
        sent = min(sent, self.now - timedelta(hours=1))
        due = sent + timedelta(days=rng.randint(7, 21))
        expires = None
        if status == "expired" or rng.random() < 0.3:
            expires = due + timedelta(days=rng.randint(7, 30))
        if status == "sent" and expires is not None and expires <= self.now:
            # Still waiting: the beat's sweep has not expired it.
            expires = max(due, self.now) + timedelta(days=rng.randint(1, 14))
        # By when the signers acted: now for what still waits, else around the due date.
        end = self.now if status == "sent" else min(expires or due + timedelta(days=10), self.now)

        # What each signer did, in order: (user, status, asked, viewed, signed, declined).
        signers = self._signers(status, people, in_order, sent, end, persona_turn)
        finished = None
        if status == "completed":
            finished = max(s[4] for s in signers) + timedelta(seconds=rng.randint(3, 40))
        elif status == "declined":
            finished = next(s[5] for s in signers if s[1] == "declined")
        elif status == "expired":
            finished = expires
        elif status == "cancelled":
            acted = [t for s in signers for t in (s[3], s[4]) if t is not None]
            finished = self._between(max([sent, *acted]), end)
        cancel_reason = rng.choice(CANCEL_REASONS) if status == "cancelled" else ""
        sealed_file, sealed_sha = self.files["sealed"] if status == "completed" else ("", "")
        original, original_sha, pages = self.files["original"]
        site = rng.choice(SITES)
        title = rng.choice(TITLES).format(site=site, year=created.year)

        rows["signing_document"].append(
            (
                document_id,
                number,
                org,
                title,
                LANGUAGE,
                rng.choice(MESSAGES),
                "upload",
                in_order,
                due,
                expires,
                status,
                agent,
                created,
                sent,
                finished,
                cancel_reason,
                sealed_file,
                sealed_sha,
            )
        )
        rows["signing_documentversion"].append(
            (
                version_id,
                document_id,
                1,
                original,
                "acuerdo.pdf",
                original_sha,
                pages,
                created,
                agent,
            )
        )

        trail = _Trail(self, rows, document_id, number, version_id)
        trail.add("created", created, actor=agent)
        trail.add("sent", sent, actor=agent)
        actions = []
        for order, (user, state, asked, viewed, signed, declined) in enumerate(signers, start=1):
            signer_id = self._id("signing_signer")
            done = state in ("signed", "declined")
            reason = rng.choice(DECLINE_REASONS) if state == "declined" else ""
            rows["signing_signer"].append(
                (
                    signer_id,
                    document_id,
                    version_id,
                    user,
                    order if in_order else 1,
                    state,
                    asked,
                    viewed,
                    signed,
                    declined,
                    reason,
                    self.names[user] if state == "signed" else "",
                    self.names[user] if state == "signed" else "",
                    "password" if state == "signed" else "",
                    self.consent_version if state == "signed" else "",
                    self.consent_text if state == "signed" else "",
                    self.consent_sha if state == "signed" else "",
                    f"198.51.100.{user % 250 + 1}" if done else None,
                    USER_AGENT if done else "",
                    self.zones[user] if state == "signed" else "",
                )
            )
            if viewed is not None:
                actions.append((viewed, 0, "viewed", user, signer_id, ""))
            if signed is not None:
                actions.append((signed, 1, "consented", user, signer_id, self.consent_sha))
                actions.append((signed, 2, "signed", user, signer_id, ""))
            if declined is not None:
                actions.append((declined, 1, "declined", user, signer_id, reason))
        for at, _step, kind, user, signer_id, detail in sorted(actions):
            browser = {"ip": f"198.51.100.{user % 250 + 1}", "user_agent": USER_AGENT}
            trail.add(kind, at, actor=user, signer=signer_id, detail=detail, **browser)
        if status == "completed":
            trail.add("completed", finished, detail=sealed_sha)
        elif status == "expired":
            trail.add("expired", finished)
        elif status == "cancelled":
            trail.add("cancelled", finished, actor=agent, detail=cancel_reason)

    def _signers(self, status, people, in_order, sent, end, persona_turn) -> list:
        """(user, status, asked, viewed, signed, declined) per signer, in their order."""
        rng = self.rng
        n = len(people)
        if status == "sent":
            # Those before the one(s) asked now have signed.
            turn = persona_turn if persona_turn is not None else rng.randrange(n)
            states = ["signed"] * turn + ["pending"] + ["waiting"] * (n - turn - 1)
            if not in_order:
                states = ["signed" if k < turn else "pending" for k in range(n)]
        elif status == "completed":
            states = ["signed"] * n
        elif status == "declined":
            turn = rng.randrange(n)
            states = ["signed"] * turn + ["declined"] + ["void"] * (n - turn - 1)
        else:  # expired or cancelled: at least one had not signed
            turn = rng.randrange(n)
            states = ["signed"] * turn + ["void"] * (n - turn)
        result = []
        asked = sent
        for user, state in zip(people, states, strict=True):
            if in_order and state == "void" and result and result[-1][1] in ("void", "declined"):
                # Never asked: an earlier signer had not signed.
                result.append((user, state, None, None, None, None))
                continue
            if in_order and state == "waiting":
                result.append((user, state, None, None, None, None))
                continue
            this_asked = asked if in_order else sent
            acted = viewed = signed = declined = None
            if state in ("signed", "declined"):
                # Within its window, leaving room for the signers after it.
                acted = self._between(this_asked, this_asked + (end - this_asked) / 3)
                viewed = acted - timedelta(minutes=rng.randint(1, 30))
                viewed = max(viewed, this_asked + timedelta(seconds=1))
                if state == "signed":
                    signed = acted
                else:
                    declined = acted
            elif state in ("pending", "void") and rng.random() < 0.4:
                viewed = self._between(this_asked, end)
            if state == "pending" and persona_turn is not None and user == self.persona:
                # Every other one opened already: the bench's document page is one of those,
                # so that measuring it writes nothing (the first view is recorded once).
                viewed = self._between(this_asked, end) if self.persona_pending % 2 else None
            result.append((user, state, this_asked, viewed, signed, declined))
            if in_order and acted is not None:
                asked = acted
        return result


class _Trail:
    """A document's audit rows, each chained to the one before as services.common.audit does."""

    def __init__(self, loader, rows, document_id, number, version_id):
        self.loader, self.rows = loader, rows
        self.document_id, self.number, self.version_id = document_id, number, version_id
        self.previous = ""

    def add(self, kind, at, *, actor=None, signer=None, detail="", ip=None, user_agent=""):
        fields = [
            self.previous,
            self.number,
            kind,
            at.isoformat(),
            str(actor or ""),
            str(signer or ""),
            str(self.version_id),
            ip or "",
            user_agent,
            detail,
        ]
        digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        self.rows["signing_documentevent"].append(
            (
                self.loader._id("signing_documentevent"),
                self.document_id,
                self.version_id,
                signer,
                actor,
                kind,
                at,
                ip,
                user_agent,
                detail,
                self.previous,
                digest,
            )
        )
        self.previous = digest
