"""The bench seed (bench/seed.py, bench/seed_sla.py), at a small size: consistent data,
SLA clocks as the services leave them, idempotent, and every benchmarked page
(bench/pages.py) answers with the status the benchmark expects.

Counts are taken over the bench organisations only: the test database is shared
with whatever else commits to it meanwhile.
"""

import re

import pytest
from django.db.models import Count, F, Q
from django.test import Client

from bench import (
    pages,
    seed,
    seed_inventory,
    seed_knowledge,
    seed_signing,
    seed_signing_pdf,
    seed_surveys,
    seed_wishes,
)
from tickets.models import Attachment, Comment, Ticket, TicketNumber
from tickets.states import Priority, Status

BENCH = {"organisation__slug__startswith": "bench-"}


@pytest.fixture
def small(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the documents' PDF is written there
    monkeypatch.setattr(seed, "ORGANISATIONS", 3)
    monkeypatch.setattr(seed, "MEMBERS_PER_ORG", 4)
    monkeypatch.setattr(seed, "EVENTS_PER_ORG", 8)
    monkeypatch.setattr(seed, "AGENTS", 2)
    monkeypatch.setattr(seed, "CHUNK", 150)  # several COPY rounds
    monkeypatch.setattr(seed_wishes, "WISHES", 150)
    monkeypatch.setattr(seed_wishes, "CHUNK", 60)
    monkeypatch.setattr(seed_knowledge, "ARTICLES", 40)
    monkeypatch.setattr(seed_knowledge, "CHUNK", 15)
    monkeypatch.setattr(seed_signing, "DOCUMENTS", 120)
    monkeypatch.setattr(seed_signing, "CHUNK", 50)
    monkeypatch.setattr(seed_signing, "MEMBER_PENDING", 3)
    monkeypatch.setattr(seed_inventory, "RESOURCES", 300)
    monkeypatch.setattr(seed_inventory, "CHUNK", 120)
    monkeypatch.setattr(seed_surveys, "RESPONSES", 60)
    monkeypatch.setattr(seed_surveys, "CHUNK", 25)


def _bench_counts():
    return (
        Ticket.objects.filter(**BENCH).count(),
        Comment.objects.filter(**{f"ticket__{k}": v for k, v in BENCH.items()}).count(),
        Attachment.objects.filter(**{f"ticket__{k}": v for k, v in BENCH.items()}).count(),
    )


@pytest.mark.django_db
def test_seed_is_consistent_and_idempotent(small):
    numbered = TicketNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    seed.seed(tickets=400)
    tickets_n, comments_n, attachments_n = _bench_counts()
    assert tickets_n == 400
    assert comments_n > 400
    assert attachments_n > 0

    tickets = Ticket.objects.filter(**BENCH).annotate(
        public=Count("comments", filter=Q(comments__is_internal=False))
    )
    assert all(t.public == t.public_reply_count for t in tickets)
    assert {t.status for t in tickets} == set(Status.values)
    assert {t.priority for t in tickets} == set(Priority.values)
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 400
    assert all(re.fullmatch(r"TKT-2026-\d{5,}", n) for n in numbers)
    assert TicketNumber.objects.get(year=2026).last == numbered + 400
    for ticket in tickets:
        # Requesters belong to the ticket's organisation; activity is in order.
        assert ticket.requester.memberships.filter(organisation=ticket.organisation).exists()
        assert ticket.created_at <= ticket.last_client_activity_at <= ticket.last_activity_at
    on_comments = Attachment.objects.filter(comment__isnull=False, ticket__in=tickets)
    assert on_comments.exists()
    assert not on_comments.exclude(comment__ticket_id=F("ticket_id")).exists()

    seed.seed(tickets=400)  # already there: nothing added
    assert _bench_counts() == (tickets_n, comments_n, attachments_n)


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")  # the URLconf the bench serves: the floor too
def test_every_bench_page_answers_as_expected(small):
    _, personas = seed.seed(tickets=200)
    detail = personas["detail_ticket"]
    assert detail.requester == personas["member"]
    assert detail.comments.filter(is_internal=False).count() == seed.DETAIL_REPLIES
    for name, (user, path, *expected) in pages.pages(personas).items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == (expected[0] if expected else 200), name


@pytest.mark.django_db
def test_sla_clocks_are_what_the_services_leave(small):
    from django.utils import timezone

    from bench import seed_sla
    from sla import services
    from sla.models import TicketClock

    seed.seed(tickets=300)
    assert seed_sla.seed() == 0  # every ticket has its clocks already
    now = timezone.now()
    tickets = Ticket.objects.filter(**BENCH).select_related("organisation")
    clocks = TicketClock.objects.filter(ticket__in=tickets).select_related("policy__calendar")
    assert clocks.count() == 3 * tickets.count()
    by_ticket: dict[int, list] = {}
    for clock in clocks:
        by_ticket.setdefault(clock.ticket_id, []).append(clock)
    policies = {}
    marks = set()
    for ticket in tickets:
        mine = by_ticket[ticket.pk]
        policy = policies.setdefault(
            ticket.organisation_id, services.policy_for(ticket.organisation)
        )
        assert {c.policy_id for c in mine} == {policy.pk}
        assert policy.calendar.always_open == (int(ticket.organisation.slug[6:]) % 2 == 1)
        running = [c for c in mine if c.running_since is not None]
        kinds = {c.kind: c for c in mine}
        if ticket.status in ("resolved", "closed"):
            assert not running
            assert kinds["resolution"].met_at == ticket.resolved_at
            assert all(c.met_at <= ticket.resolved_at for c in mine)
        elif ticket.status in policy.pausing_statuses:
            assert not running
            assert all(c.due_at is None for c in mine if c.met_at is None)
        else:
            assert kinds["resolution"] in running
        calendar = services.calendar_for(policy)
        for clock in running:
            assert clock.due_at == calendar.add(clock.running_since, clock.target - clock.elapsed)
            # The sweep marked what came due; a reopened clock keeps its earlier marks.
            if ticket.status != "reopened":
                assert (clock.warned_at is not None) == (clock.warn_at <= now)
                assert (clock.breached_at is not None) == (clock.due_at <= now)
        for clock in mine:
            if clock.met_at is not None:
                # Met late: breached at its deadline.
                late = clock.met_at > clock.due_at
                assert clock.breached_at == (clock.due_at if late else None)
        assert ticket.sla_due_at == min((c.due_at for c in running), default=None)
        assert ticket.sla_warn_at == min((c.warn_at for c in running), default=None)
        marks.add(bool(running))
    assert marks == {True, False}


@pytest.mark.django_db
def test_wish_seed_is_consistent_and_idempotent(small):
    from wishes import services
    from wishes.models import Wish, WishComment, WishNumber, WishVersion, WishVote
    from wishes.states import ACCEPTED, WishStatus

    numbered = WishNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    dataset, personas = seed.seed(tickets=100)
    wishes = seed_wishes.bench_wishes().annotate(
        votes_n=Count("votes", distinct=True),
        public_n=Count("comments", filter=Q(comments__is_internal=False), distinct=True),
        versions_n=Count("versions", distinct=True),
    )
    assert dataset["wishes"] == wishes.count() == 150
    assert {w.status for w in wishes} == set(WishStatus.values)
    numbers = [w.number for w in wishes]
    assert len(set(numbers)) == 150
    assert all(re.fullmatch(r"WSH-2026-\d{5,}", n) for n in numbers)
    assert WishNumber.objects.get(year=2026).last == numbered + 150
    organisations = {w.organisation_id for w in wishes}
    assert len(organisations) == 3  # spread over every bench organisation
    for wish in wishes:
        # The counters the services keep match their rows.
        assert wish.votes_count == wish.votes_n, wish.number
        assert wish.comments_count == wish.public_n, wish.number
        assert wish.author.memberships.filter(organisation=wish.organisation).exists()
        if wish.status == WishStatus.DRAFT:
            assert (wish.versions_n, wish.votes_n, wish.public_n) == (0, 0, 0)
            assert wish.submitted_at is None
        else:
            assert wish.versions_n >= 1
            assert wish.created_at <= wish.submitted_at <= wish.status_changed_at
        assert wish.status_changed_at <= wish.updated_at
        if wish.status == WishStatus.NOT_ACCEPTED:
            assert wish.refusal_reason
        if wish.status == WishStatus.PLANNED:
            assert wish.target_date is not None
        if wish.estimate_hours is not None:
            assert wish.status in ACCEPTED
        if not wish.visible_to_organisation:
            assert wish.votes_n == 0
    votes = WishVote.objects.filter(wish__in=wishes).select_related("wish")
    assert votes.exists()
    for vote in votes:
        assert vote.user_id != vote.wish.author_id
        assert vote.user.memberships.filter(organisation=vote.wish.organisation_id).exists()
    comments = WishComment.objects.filter(wish__in=wishes)
    assert comments.filter(is_internal=True).exists()
    assert not comments.filter(is_internal=True, author__is_staff=False).exists()
    assert WishVersion.objects.filter(wish__in=wishes, number=2).exists()
    # Each column's cards follow each other, as the services place them.
    for status in WishStatus.values:
        positions = list(wishes.filter(status=status).values_list("position", flat=True))
        assert len(set(positions)) == len(positions), status

    seed.seed(tickets=100)  # already there: nothing added
    assert seed_wishes.bench_wishes().count() == 150
    assert WishVote.objects.filter(wish__in=wishes).count() == votes.count()

    # The services carry on from the seeded data: the next number, a recount from the rows.
    manager = personas["manager"]
    wish = services.wish_create(
        organisation=manager.memberships.get().organisation,
        author=manager,
        title="After the seed",
        description="Numbered after the seeded wishes.",
    )
    assert wish.number == f"WSH-2026-{numbered + 151:05d}"
    voted = (
        Wish.objects.filter(pk__in=wishes.values("pk"), visible_to_organisation=True)
        .exclude(status=WishStatus.DRAFT)
        .exclude(author=personas["member"])
        .exclude(votes__user=personas["member"])
        .filter(organisation=wish.organisation)
        .first()
    )
    before = voted.votes_count
    services.wish_vote(wish=voted, user=personas["member"])
    voted.refresh_from_db()
    assert voted.votes_count == before + 1


def _queries(user, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    assert client.get(path).status_code == 200, path  # warm the caches, as a server has them
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_wish_boards_read_as_many_queries_with_three_times_the_wishes(small):
    _, personas = seed.seed(tickets=100)
    boards = {
        name: (user, path)
        for name, (user, path, *_) in pages.pages(personas).items()
        if name.startswith("wish board")
    }
    assert set(boards) == {"wish board", "wish board (staff)"}
    before = {name: _queries(*page) for name, page in boards.items()}
    assert all(before.values()), before
    seed_wishes.seed(3 * seed_wishes.WISHES)
    assert seed_wishes.bench_wishes().count() == 450
    after = {name: _queries(*page) for name, page in boards.items()}
    assert after == before


def _signer_states_fit(document, signers) -> bool:
    """The signers' statuses as the services leave them at the document's status."""
    states = [s.status for s in signers]
    ordered = "".join(state[0] for state in states)  # s(igned) p(ending) w(aiting) d v
    if document.status == "sent":
        if document.in_order:
            return re.fullmatch(r"s*pw*", ordered) is not None
        return "p" in ordered and set(ordered) <= {"s", "p"}
    if document.status == "completed":
        return set(ordered) == {"s"}
    if document.status == "declined":
        return (
            re.fullmatch(r"s*dv*", ordered) is not None
            if document.in_order
            else (ordered.count("d") == 1 and set(ordered) <= {"s", "d", "v"})
        )
    # expired, cancelled: whoever had not signed is void
    return "v" in ordered and set(ordered) <= {"s", "v"}


@pytest.mark.django_db
def test_document_seed_is_consistent_and_idempotent(small):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from signing import services
    from signing.models import Document, DocumentEvent, DocumentNumber, Signer
    from signing.pdf.checks import check_pdf
    from signing.services.common import trail_intact

    numbered = DocumentNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    dataset, personas = seed.seed(tickets=100)
    documents = seed_signing.bench_documents().select_related("organisation")
    assert dataset["documents"] == documents.count() == 120
    assert {d.status for d in documents} == {
        "sent",
        "completed",
        "declined",
        "expired",
        "cancelled",
    }
    numbers = [d.number for d in documents]
    assert len(set(numbers)) == 120
    assert all(re.fullmatch(r"DOC-2026-\d{5,}", n) for n in numbers)
    assert DocumentNumber.objects.get(year=2026).last == numbered + 120
    assert len({d.organisation_id for d in documents}) == 3

    # One real PDF for every version, its hash and pages those of the file.
    stored = {}
    now = timezone.now()
    for document in documents:
        (version,) = document.versions.all()
        assert version.void_at is None and version.number == 1
        if version.file.name not in stored:
            with default_storage.open(version.file.name) as handle:
                stored[version.file.name] = check_pdf(handle.read())
        assert (version.sha256, version.pages) == (
            stored[version.file.name].sha256,
            stored[version.file.name].pages,
        )
        signers = list(document.signers.order_by("order", "pk"))
        assert 1 <= len(signers) <= 3
        assert all(s.version_id == version.pk for s in signers)
        assert len({s.user_id for s in signers}) == len(signers)
        for signer in signers:
            assert signer.user.memberships.filter(organisation=document.organisation).exists()
            assert (signer.signed_at is not None) == (signer.status == "signed")
            assert (signer.declined_at is not None) == (signer.status == "declined")
            if signer.status == "signed":
                assert document.sent_at < signer.signed_at <= (document.finished_at or now)
                assert signer.consent_sha256 and signer.typed_name
        assert _signer_states_fit(document, signers), (document.number, document.status)
        assert document.created_at < document.sent_at < now
        assert (document.finished_at is None) == (document.status == "sent")
        if document.expires_at is not None:
            assert document.expires_at >= document.due_at
            # Still waiting: not expired yet; otherwise it ended when it expired or before.
            if document.status == "sent":
                assert document.expires_at > now
            elif document.status == "expired":
                assert document.finished_at == document.expires_at < now
            else:
                assert document.finished_at <= document.expires_at
        if document.status == "completed":
            assert document.finished_at >= max(s.signed_at for s in signers)
            with document.sealed_file.open("rb") as handle:
                assert check_pdf(handle.read()).sha256 == document.sealed_sha256
        else:
            assert not document.sealed_file and not document.sealed_sha256
        assert trail_intact(document), document.number
    assert len(stored) == 1
    assert DocumentEvent.objects.filter(document__in=documents).count() > 4 * 120

    # bench-0's member has a handful to sign and has signed many; its manager sees all.
    member, manager = personas["member"], personas["manager"]
    waiting = Signer.objects.filter(user=member, status="pending", document__status="sent")
    assert waiting.count() == seed_signing.MEMBER_PENDING
    assert personas["pending_document"].pk in waiting.values_list("document_id", flat=True)
    assert Signer.objects.filter(user=member, status="signed").count() > 3
    organisation = manager.memberships.get().organisation
    assert (
        Document.objects.visible_to(manager, organisation=organisation).count()
        == documents.filter(organisation=organisation).count()
        == 40
    )

    seed.seed(tickets=100)  # already there: nothing added
    assert seed_signing.bench_documents().count() == 120

    # The services carry on from the seeded rows: the trail chains on, numbers follow.
    assert waiting.get(document=personas["pending_document"]).viewed_at is not None
    document = waiting.filter(viewed_at__isnull=True).first().document
    services.document_viewed(document=document, user=member)
    assert trail_intact(document)
    assert document.trail.order_by("-pk").first().kind == "viewed"
    created = services.document_create(
        organisation=organisation,
        title="After the seed",
        language="es",
        by=personas["agent"],
        due_at=now + timedelta(days=7),
        signers=[member],
        pdf=seed_signing_pdf.pdf_bytes(seed_signing_pdf.AGREEMENT),
    )
    assert created.number == f"DOC-2026-{numbered + 121:05d}"


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_documents_pages_read_as_many_queries_with_three_times_the_documents(small):
    _, personas = seed.seed(tickets=100)
    documents = {
        name: (user, path)
        for name, (user, path, *_) in pages.pages(personas).items()
        if name.startswith("document")
    }
    assert set(documents) == {
        "documents (manager)",
        "documents signed tab",
        "documents (member)",
        "document page",
    }
    before = {name: _queries(*page) for name, page in documents.items()}
    assert all(before.values()), before
    seed_signing.seed(3 * seed_signing.DOCUMENTS)
    assert seed_signing.bench_documents().count() == 360
    after = {name: _queries(*page) for name, page in documents.items()}
    assert after == before


@pytest.mark.django_db
def test_resource_seed_is_consistent_and_idempotent(small):
    import ipaddress
    from collections import defaultdict

    from inventory import attributes, services
    from inventory.models import Kind, Resource, ResourceNumber
    from inventory.models import Status as ResourceStatus

    numbered = ResourceNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    dataset, personas = seed.seed(tickets=100)
    resources = seed_inventory.bench_resources().select_related("service")
    assert dataset["resources"] == resources.count() == 300
    assert {r.kind for r in resources} == set(Kind.values)
    assert {r.status for r in resources} == set(ResourceStatus.values)
    assert {r.price_period for r in resources} == {"", "monthly", "yearly", "one_off"}
    assert {r.currency for r in resources} == {"", "USD", "CLP", "EUR"}
    currencies = defaultdict(set)
    for resource in resources.exclude(currency=""):
        currencies[resource.organisation_id].add(resource.currency)
    assert all(len(used) >= 2 for used in currencies.values()), currencies
    numbers = [r.number for r in resources]
    assert len(set(numbers)) == 300
    assert all(re.fullmatch(r"RES-2026-\d{5,}", n) for n in numbers)
    assert ResourceNumber.objects.get(year=2026).last == numbered + 300
    blocks = defaultdict(list)
    for resource in resources:
        # What the admin's form would accept, and the columns refresh_derived() reads.
        assert attributes.clean(resource.kind, resource.details) == resource.details
        derived = (resource.expires_on, resource.network)
        resource.refresh_derived()
        assert (resource.expires_on, resource.network) == derived, resource.number
        if resource.service is not None:
            assert resource.service.organisation_id == resource.organisation_id
        assert (resource.retired_on is not None) == (resource.status == "retired")
        if resource.retired_on:
            assert resource.assigned_on <= resource.retired_on
        changes = list(resource.changes.order_by("at", "pk"))
        assert changes[0].status_before == "" and changes[-1].status_after == resource.status
        if resource.network:
            blocks[resource.organisation_id].append(ipaddress.ip_network(resource.network))
    for networks in blocks.values():
        for k, network in enumerate(networks):
            assert not any(network.overlaps(other) for other in networks[k + 1 :])
    expiring = Resource.objects.filter(pk__in=resources.values("pk")).expiring(30)
    assert 0 < expiring.count() < resources.exclude(expires_on=None).count()
    detail = personas["detail_resource"]
    # The member persona's latest DETAIL_TICKETS tickets, or all of them on this small
    # seed, where the 100 tickets leave them fewer.
    theirs = Ticket.objects.filter(requester=personas["member"], organisation__slug="bench-0")
    named = min(seed_inventory.DETAIL_TICKETS, theirs.count())
    assert named >= 5
    assert detail.ticket_links.count() == named
    assert set(detail.ticket_links.values_list("ticket_id", flat=True)) <= set(
        theirs.values_list("pk", flat=True)
    )
    assert detail.changes.exclude(status_before="").count() == seed_inventory.DETAIL_CHANGES

    seed.seed(tickets=100)  # already there: nothing added
    assert seed_inventory.bench_resources().count() == 300

    # The service numbers on, and accepts a block beside the seeded ones.
    organisation = detail.organisation
    last_v4 = max(
        (n for n in blocks[organisation.pk] if n.version == 4), key=lambda n: n.network_address
    )
    block = Resource(
        organisation=organisation,
        kind="ip_block",
        name="After the seed",
        details={"cidr": str(ipaddress.ip_network((last_v4.broadcast_address + 1, 26)))},
    )
    services.resource_save(resource=block, by=personas["agent"])
    assert block.number == f"RES-2026-{numbered + 301:05d}"


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_resource_pages_read_as_many_queries_with_three_times_the_resources(small):
    _, personas = seed.seed(tickets=100)
    shown = {
        name: (user, path)
        for name, (user, path, *_) in pages.pages(personas).items()
        if name.startswith("resource")
    }
    assert set(shown) == {
        "resources (manager)",
        "resources (member)",
        "resources expiring",
        "resources search",
        "resource page",
    }
    before = {name: _queries(*page) for name, page in shown.items()}
    seed_inventory.seed(3 * seed_inventory.RESOURCES)
    assert seed_inventory.bench_resources().count() == 900
    after = {name: _queries(*page) for name, page in shown.items()}
    assert after == before


@pytest.mark.django_db
def test_survey_seed_is_consistent_and_idempotent(small):
    from django.http import QueryDict

    from surveys.forms import AnswerForm, initial_from
    from surveys.models import Invitation, Response, ResponseStatus
    from surveys.results import Filters, compute

    dataset, personas = seed.seed(tickets=100)
    form = personas["survey_form"]
    assert dataset["survey_responses"] == seed_surveys.bench_responses().count() == 60
    v1, v2 = form.versions.order_by("number")
    for version in (v1, v2):
        types = set(version.questions.values_list("type", flat=True))
        assert types == {"short_text", "long_text", "single", "multiple", "rating", "nps"} | {
            "yes_no",
            "date",
            "number",
            "email",
            "section",
        }
        for question in version.questions.all():
            assert all(getattr(question, f"label_{code}") for code in ("es", "pt", "fr"))
            for option in question.options:
                assert all(option[code] for code in ("en", "es", "pt", "fr")), option
    responses = Response.objects.filter(version__form=form).select_related(
        "invitation__sending", "version"
    )
    by_version = {v1.pk: 0, v2.pk: 0}
    organisations = set()
    for response in responses:
        sending = response.invitation.sending
        assert response.version_id == sending.version_id
        assert sending.created_at <= response.started_at <= response.updated_at
        assert response.invitation.user.memberships.filter(
            organisation=sending.organisation
        ).exists()
        if response.status == ResponseStatus.SUBMITTED:
            # What the answer form would have accepted, and stored as it stores it.
            data = QueryDict(mutable=True)
            for name, value in initial_from(response.answers).items():
                data.setlist(name, [str(v) for v in value] if isinstance(value, list) else [value])
            checked = AnswerForm(data, questions=list(response.version.questions.all()))
            assert checked.is_valid(), checked.errors
            assert checked.answers == response.answers
            assert response.submitted_at == response.updated_at
            by_version[response.version_id] += 1
            organisations.add(sending.organisation_id)
    assert all(by_version.values()), by_version
    assert len(organisations) == 3
    assert {len(i.token) for i in Invitation.objects.filter(sending__form=form)} == {32}

    results = compute(form, Filters())
    assert results.submitted == 60 and 0 < results.rate < 100
    nps = next(q for q in results.questions if q.column.key == "nps").nps
    assert nps.promoters > nps.detractors > 0 or nps.total < 20
    invitation = personas["survey_invitation"]
    assert invitation.user == personas["member"]
    assert invitation.response.status == ResponseStatus.DRAFT
    assert not invitation.sending.is_closed()
    assert invitation.sending.version == v2

    seed.seed(tickets=100)  # already there: nothing added
    assert seed_surveys.bench_responses().count() == 60
    assert seed_surveys.waiting_invitation(personas["member"]) == invitation


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_survey_pages_read_as_many_queries_with_three_times_the_answers(small):
    _, personas = seed.seed(tickets=100)
    shown = {
        name: (user, path)
        for name, (user, path, *_) in pages.pages(personas).items()
        if name.startswith("survey")
    }
    assert set(shown) == {"survey results (10,000)", "surveys (member)", "survey answer page"}
    before = {name: _queries(*page) for name, page in shown.items()}
    seed_surveys.seed(3 * seed_surveys.RESPONSES)
    assert seed_surveys.bench_responses().count() == 180
    after = {name: _queries(*page) for name, page in shown.items()}
    assert after == before
