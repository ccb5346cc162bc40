"""`manage.py demo` loads a working picture for every role, and a second run adds nothing."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.demo import ORGANISATIONS
from accounts.models import Organisation, User
from activity.models import Event
from contracts.models import TimeEntry
from notifications.models import Notification, WebhookDelivery
from sla.models import Kind, TicketClock
from tickets.models import Comment, Ticket

DEMO_ORGANISATIONS = [slug for slug, *_ in ORGANISATIONS]


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seal(settings):
    # The demo's documents are sealed: as `make run` makes a demo seal, the tests name one.
    from tests.signing.factories import PASSPHRASE, seal_path

    settings.SIGNING_PKCS12_PATH = seal_path()
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE


def _counts():
    return (
        Event.objects.count(),
        Notification.objects.count(),
        WebhookDelivery.objects.count(),
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests: each runs in a savepoint of it
    (pytest-django's transaction nests in this one), as if it had loaded it itself."""
    from tests.signing.factories import with_seal

    with django_db_blocker.unblock(), with_seal(), transaction.atomic():
        _load_demo()
        yield
        transaction.set_rollback(True)


def test_demo_is_idempotent_and_gives_every_role_notifications(demo):
    first = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    for email in (
        "member@andes.example",
        "manager@andes.example",
        "agent@support.example",
        "supervisor@support.example",
    ):
        user = User.objects.get(email=email)
        unread = Notification.objects.filter(user=user, channel="portal", read_at__isnull=True)
        assert unread.exists(), email
    member = User.objects.get(email="member@andes.example")
    # Internal notes never become a client's notification.
    assert not Notification.objects.filter(user=member, event__visibility="internal").exists()
    _signing_demo(member)
    _diagnostics_demo(member)
    _inventory_demo(member)
    _surveys_demo(member)


def _surveys_demo(member):
    from surveys.models import Response, ResponseStatus, Sending, Trigger
    from tickets.models import ClientTask

    quarterly = Sending.objects.filter(trigger=Trigger.SCHEDULE)
    answered = Response.objects.filter(
        invitation__sending__in=quarterly, status=ResponseStatus.SUBMITTED
    )
    assert answered.values("invitation__sending__organisation").distinct().count() >= 3
    assert Sending.objects.filter(trigger=Trigger.TICKET_CLOSED).exists()
    task = ClientTask.objects.get(
        ticket__subject="La velocidad cae todas las noches",
        done_at=None,
        title__contains="Datos de la nueva sede",
    )
    assert task.assignee == member


def _inventory_demo(member):
    from inventory.models import Kind, Resource, TicketResource
    from inventory.queries import EXPIRING_DAYS

    for organisation in Organisation.objects.filter(slug__in=DEMO_ORGANISATIONS):
        resources = Resource.objects.filter(organisation=organisation)
        assert 20 <= resources.count() <= 40, organisation.slug
        assert set(resources.values_list("kind", flat=True)) == set(Kind.values)
        assert resources.filter(kind=Kind.SSL_CERTIFICATE).expiring(EXPIRING_DAYS).exists()
        # Its warning reached the organisation's managers, in their language.
        warned = Notification.objects.filter(
            event__verb="resource_expires_soon", event__organisation=organisation
        )
        assert warned.filter(user__memberships__role="manager").exists(), organisation.slug
    block = Resource.objects.get(organisation__slug="andes-fibra", network="200.54.120.0/24")
    rules = block.organisation.diagnostics_rules
    assert "200.54.120.0/24" in rules.client_targets and rules.clients_may_run
    assert TicketResource.objects.filter(ticket__requester=member, resource__status="faulty")
    assert Resource.objects.visible_to(member).filter(name__startswith="Switch de núcleo")


def _diagnostics_demo(member):
    from diagnostics import reading
    from diagnostics.models import Measurement

    finished = Measurement.objects.filter(organisation__slug="andes-fibra", status="done")
    assert sorted(finished.values_list("kind", flat=True)) == [
        "dns",
        "ping",
        "sslcert",
        "traceroute",
    ]
    for measurement in finished:
        assert measurement.results.exists()
        assert "from" in reading.view(measurement)["summary"]
    # The ticket's requester reads them on the ticket.
    assert Measurement.objects.visible_to(member).count() == 4


def _signing_demo(member):
    from signing.models import Document
    from signing.pdf.verify import verify

    for slug, language in (("andes-fibra", "es"), ("vale-telecom", "pt")):
        documents = Document.objects.filter(organisation__slug=slug)
        assert sorted(documents.values_list("status", flat=True)) == [
            "completed",
            "declined",
            "sent",
            "sent",
        ]
        assert set(documents.values_list("language", flat=True)) == {language}
        signed = documents.get(status="completed")
        assert verify(signed.sealed_file.open("rb").read()).status == "intact"
    # The member has a document waiting for them, on their dashboard.
    assert Document.objects.filter(
        signers__user=member, signers__status="pending", status="sent"
    ).exists()


def _load_demo():
    # The categories come from a data migration, which a browser test's flush
    # (TransactionTestCase) may have emptied earlier in the run.
    import_module("tickets.migrations.0002_categories").add_categories(apps, None)
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_history_is_consistent_with_its_clocks(demo):
    now = timezone.now()
    # Nothing in the history happens after now (a feed event was once dated tomorrow).
    assert Event.objects.count() > 50
    assert not Event.objects.filter(created_at__gt=now).exists()
    for field in ("created_at", "updated_at", "last_activity_at", "resolved_at", "closed_at"):
        assert not Ticket.objects.filter(**{f"{field}__gt": now}).exists(), field
    assert not Comment.objects.filter(created_at__gt=now).exists()

    staff_replies = Comment.objects.filter(is_internal=False, author__is_staff=True)
    first_responses = TicketClock.objects.filter(kind=Kind.FIRST_RESPONSE)
    met = first_responses.filter(met_at__isnull=False).select_related("ticket")
    assert met.count() > 10
    for clock in met:
        # Met by the first public staff reply, at the moment it was written
        # (TKT-2026-00017 was answered at 09:30 yet showed "met at 08:29").
        first = staff_replies.filter(ticket=clock.ticket).order_by("created_at").first()
        assert first is not None, clock.ticket.subject
        assert first.created_at == clock.met_at, clock.ticket.subject
    # No reply, no met first response (Northwind's tickets showed "Met" without one).
    unanswered = Ticket.objects.exclude(pk__in=staff_replies.values("ticket"))
    assert unanswered.exists()
    assert not first_responses.filter(ticket__in=unanswered, met_at__isnull=False).exists()

    for clock in TicketClock.objects.filter(kind=Kind.RESOLUTION, met_at__isnull=False):
        assert Event.objects.filter(
            data__number=clock.ticket.number,
            verb__in=["ticket_resolved", "ticket_closed"],
            created_at=clock.met_at,
        ).exists(), clock.ticket.subject
    for clock in TicketClock.objects.filter(kind=Kind.ACKNOWLEDGEMENT, met_at__isnull=False):
        assert Event.objects.filter(
            data__number=clock.ticket.number, actor__is_staff=True, created_at=clock.met_at
        ).exists(), clock.ticket.subject
    # Warnings and breaches are dated at their deadlines, as the sweep would have sent them.
    for event in Event.objects.filter(verb__in=["sla_warning", "sla_breached"]):
        clock = TicketClock.objects.get(
            ticket__number=event.data["number"], kind=event.data["kind"]
        )
        stamp = clock.warned_at if event.verb == "sla_warning" else clock.breached_at
        assert event.created_at == stamp, (event.verb, clock.ticket.subject)


# Words frequent in one of the demo's languages and absent from the others.
MARKERS = {
    "es": {"el", "los", "las", "del", "y", "con", "una", "está", "sus", "gracias", "nuestra"},
    "pt": {"o", "os", "do", "da", "e", "com", "uma", "não", "dos", "das", "mês", "obrigado"},
    "fr": {"le", "les", "du", "des", "et", "nous", "vous", "pour", "une", "merci", "dernier"},
    "en": {"the", "and", "we", "our", "please", "is", "of", "to", "for", "with", "you"},
}


def _language(texts) -> str:
    words = re.findall(r"\w+", " ".join(texts).lower())
    scores = {lang: sum(word in markers for word in words) for lang, markers in MARKERS.items()}
    best = max(scores, key=scores.get)
    assert sorted(scores.values())[-2] < scores[best], scores
    return best


def test_demo_tickets_are_in_each_organisation_language(demo):
    known = {
        "andes-fibra": "Sin internet en la oficina de Providencia",
        "vale-telecom": "Backup da configuração do roteador",
        "atelier-reseaux": "Sauvegarde de la configuration du routeur",
        "northwind-it": "Router configuration backup",
    }
    for organisation in Organisation.objects.filter(slug__in=known):
        tickets = Ticket.objects.filter(organisation=organisation)
        assert tickets.filter(subject=known[organisation.slug]).exists(), organisation.slug
        texts = [text for t in tickets for text in (t.subject, t.description)]
        texts += Comment.objects.filter(ticket__in=tickets, is_internal=False).values_list(
            "body", flat=True
        )
        texts += TimeEntry.objects.filter(ticket__in=tickets).values_list("description", flat=True)
        assert _language(texts) == organisation.default_language, organisation.slug
    # Not one English ticket left at Andes Fibra, whose tickets were all in English.
    for ticket in Ticket.objects.filter(organisation__slug="andes-fibra"):
        words = set(re.findall(r"\w+", f"{ticket.subject} {ticket.description}".lower()))
        assert not words & MARKERS["en"], ticket.subject


def test_demo_wishes_fill_each_board_in_the_organisations_language(demo):
    from wishes.models import Wish, WishComment, WishVersion, WishVote
    from wishes.states import ACCEPTED, BOARD, WishStatus

    wishes = Wish.objects.all()
    counts = (wishes.count(), WishVote.objects.count(), WishComment.objects.count())
    _load_demo()
    assert (wishes.count(), WishVote.objects.count(), WishComment.objects.count()) == counts

    for slug in ("andes-fibra", "vale-telecom"):
        statuses = set(wishes.filter(organisation__slug=slug).values_list("status", flat=True))
        assert statuses >= set(BOARD), slug
    for slug in ("atelier-reseaux", "northwind-it"):
        assert wishes.filter(organisation__slug=slug).count() >= 2, slug
    for organisation in Organisation.objects.filter(wishes__isnull=False).distinct():
        theirs = wishes.filter(organisation=organisation)
        texts = [text for w in theirs for text in (w.title, w.description, w.decision_note)]
        texts += WishComment.objects.filter(wish__in=theirs).values_list("body", flat=True)
        assert _language(texts) == organisation.default_language, organisation.slug

    # The story each board tells: counters that match their rows, votes from colleagues.
    for wish in wishes:
        assert wish.votes_count == wish.votes.count(), wish.number
        assert wish.comments_count == wish.comments.filter(is_internal=False).count()
        assert wish.versions.exists() == (wish.status != WishStatus.DRAFT), wish.number
        assert not wish.votes.filter(user=wish.author).exists()
        for vote in wish.votes.all():
            assert vote.user.memberships.filter(organisation=wish.organisation).exists()
    assert WishComment.objects.filter(is_internal=True).count() == 1
    assert WishComment.objects.filter(is_internal=False, author__is_staff=True).exists()
    assert WishComment.objects.filter(is_internal=False, author__is_staff=False).exists()
    twice = Wish.objects.filter(versions__number=2).get(organisation__slug="andes-fibra")
    v1, v2 = twice.versions.all()
    assert v1.description != v2.description
    assert Event.objects.filter(verb="wish_resubmitted", data__number=twice.number).exists()
    again = Wish.objects.get(resubmitted_from__isnull=False)
    assert again.resubmitted_from.status == WishStatus.NOT_ACCEPTED
    assert again.resubmitted_from.refusal_reason
    assert again.status != WishStatus.DRAFT
    assert wishes.filter(
        status=WishStatus.APPROVED, estimate_hours__isnull=False, target_date__isnull=False
    ).exists()
    for wish in wishes.filter(status=WishStatus.IN_PROGRESS, organisation__slug="andes-fibra"):
        [ticket] = wish.tickets.all()
        assert ticket.requester == wish.author
    assert not wishes.exclude(status__in=ACCEPTED).filter(tickets__isnull=False).exists()

    # Told at its own moments: nothing after now, each version after the wish was asked for.
    now = timezone.now()
    for column in ("created_at", "submitted_at", "status_changed_at", "updated_at"):
        assert not wishes.filter(**{f"{column}__gt": now}).exists(), column
    assert not WishComment.objects.filter(created_at__gt=now).exists()
    assert not WishVote.objects.filter(created_at__gt=now).exists()
    for version in WishVersion.objects.select_related("wish"):
        assert version.wish.created_at <= version.submitted_at <= now
    # The internal note reached no client, in any way.
    note = WishComment.objects.get(is_internal=True)
    assert not Notification.objects.filter(
        event__verb="wish_note_added", user__is_staff=False
    ).exists()
    assert note.body not in str(list(Event.objects.values_list("data", flat=True)))
