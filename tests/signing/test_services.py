"""The signing services: the whole pipeline on real PDFs, and every refusal."""

import hashlib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from activity.models import Event
from signing import services
from signing.models import Document, DocumentEvent, DocumentTemplate, Signer
from signing.pdf.verify import verify
from signing.states import DocumentStatus, SignerStatus

from .factories import PASSWORD, draft, pdf, sent, sign, with_seal

pytestmark = pytest.mark.django_db


def _sealed(document) -> bytes:
    with with_seal():
        services.document_seal(document_id=document.pk)
    document.refresh_from_db()
    with document.sealed_file.open("rb") as handle:
        return handle.read()


def test_two_signers_in_order_give_a_sealed_pdf_that_verifies_intact(world):
    document = sent(world)
    member, manager = document.signers.order_by("order")
    assert (member.status, manager.status) == (SignerStatus.PENDING, SignerStatus.WAITING)
    with pytest.raises(ValidationError, match="not your turn"):
        sign(document, world.manager)

    sign(document, world.member)
    manager.refresh_from_db()
    assert manager.status == SignerStatus.PENDING
    sign(document, world.manager)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SEALING

    sealed = _sealed(document)
    assert document.status == DocumentStatus.COMPLETED
    assert document.sealed_sha256 == hashlib.sha256(sealed).hexdigest()
    version = document.current_version
    original = version.file.open("rb").read()
    assert (
        version.sha256 == hashlib.sha256(original).hexdigest() == hashlib.sha256(pdf()).hexdigest()
    )
    with with_seal():
        result = verify(sealed)
    assert result.status == "intact" and result.covers_whole_file
    assert result.sealed_by == "Test Portal seal"
    # The original pages come first, as they were; the signatures and the certificate follow.
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(sealed)).pages
    before = PdfReader(io.BytesIO(original)).pages
    assert len(pages) >= len(before) + 2
    for page, was in zip(pages, before, strict=False):
        assert page.extract_text() == was.extract_text()
    tail = " ".join(page.extract_text() for page in pages[len(before) :])
    assert document.current_version.sha256 in tail.replace("\n", "")
    assert "198.51.100.7" in tail and world.manager.display_name in tail
    assert services.trail_intact(document)
    kinds = list(document.trail.values_list("kind", flat=True))
    assert kinds == ["created", "sent", "consented", "signed", "consented", "signed", "completed"]
    verbs = list(Event.objects.filter(data__number=document.number).values_list("verb", flat=True))
    assert verbs.count("document_sent") == 2  # the member, then the manager when their turn came
    assert verbs.count("document_signed") == 2 and verbs.count("document_completed") == 1


def test_one_flipped_byte_after_sealing_is_detected(world):
    document = sent(world, signers=[world.member])
    sign(document, world.member)
    sealed = bytearray(_sealed(document))
    # A byte inside the original's content stream, covered by the seal.
    position = sealed.index(b"stream") + 40
    sealed[position] ^= 0x01
    with with_seal():
        assert verify(bytes(sealed)).status == "modified"


def test_a_template_document_is_composed_with_the_organisation_and_its_signers(world, ticket):
    template = DocumentTemplate.objects.create(
        name="Acta",
        title="Delivery report",
        title_es="Acta de entrega",
        body="<p>{{ organisation.name }} accepts {{ ticket.number }}. Signers: {{ signers }}</p>",
        body_es="<p>{{ organisation.name }} acepta {{ ticket.number }}. Firman: {{ signers }}</p>",
    )
    with with_seal():
        document = services.document_create(
            organisation=world.org,
            title="Acta de entrega",
            language="es",
            by=world.agent,
            due_at=timezone.now() + timedelta(days=3),
            signers=[world.member],
            template=template,
            ticket=ticket,
        )
        services.document_send(document=document, by=world.agent)
    from signing.pdf.render import page_text

    version = document.current_version
    text = page_text(version.file.open("rb").read(), 0)
    assert "Andes Fibra acepta" in text and ticket.number in text
    assert world.member.display_name in text
    sign(document, world.member)
    with with_seal():
        assert verify(_sealed(document)).status == "intact"


def test_wrong_password_missing_consent_or_signature_change_nothing(world):
    document = sent(world, signers=[world.member])
    for options, message in [
        ({"password": "not it"}, "not your password"),
        ({"consented": False}, "accept the statement"),
        ({"typed_signature": "", "signature_png": None}, "Draw your signature"),
        ({"typed_name": "   "}, "full name"),
    ]:
        with pytest.raises(ValidationError, match=message):
            sign(document, world.member, **options)
    signer = document.signers.get()
    assert signer.status == SignerStatus.PENDING and signer.signed_at is None
    assert not document.trail.filter(kind="signed").exists()


def test_password_attempts_are_limited(world):
    document = sent(world, signers=[world.member])
    for _ in range(services.PASSWORD_ATTEMPTS):
        with pytest.raises(ValidationError):
            sign(document, world.member, password="wrong")
    with pytest.raises(ValidationError, match="Too many wrong attempts"):
        sign(document, world.member)


def test_a_drawn_signature_must_be_a_png(world):
    document = sent(world, signers=[world.member])
    with pytest.raises(ValidationError):
        sign(document, world.member, signature_png=b"GIF89a not a png", typed_signature="")
    assert document.signers.get().status == SignerStatus.PENDING


def test_only_the_signers_own_request_and_only_once(world):
    document = sent(world, signers=[world.member])
    with pytest.raises(ValidationError, match="not asked"):
        sign(document, world.other_member)
    sign(document, world.member)
    with pytest.raises(ValidationError):
        sign(document, world.member)
    assert document.trail.filter(kind="signed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_signatures_give_one(world):
    document = sent(world, signers=[world.member, world.manager], in_order=False)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            sign(Document.objects.get(pk=document.pk), world.member)
            outcomes.append("signed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert DocumentEvent.objects.filter(document=document, kind="signed").count() == 1


def test_decline_ends_the_document_and_voids_the_others(world):
    document = sent(world, in_order=False)
    with pytest.raises(ValidationError, match="Say why"):
        services.document_decline(document=document, user=world.member, reason=" ")
    services.document_decline(document=document, user=world.member, reason="Wrong price")
    document.refresh_from_db()
    assert document.status == DocumentStatus.DECLINED
    statuses = dict(document.signers.values_list("user__email", "status"))
    assert statuses == {world.member.email: "declined", world.manager.email: "void"}
    with pytest.raises(ValidationError, match="no longer be signed"):
        sign(document, world.manager)
    assert Event.objects.filter(verb="document_declined", data__reason="Wrong price").exists()


def test_cancel_needs_a_reason_and_stops_signing(world):
    document = sent(world)
    with pytest.raises(ValidationError, match="reason"):
        services.document_cancel(document=document, by=world.agent, reason="")
    services.document_cancel(document=document, by=world.agent, reason="Wrong client")
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED
    with pytest.raises(ValidationError):
        sign(document, world.member)
    with pytest.raises(ValidationError):
        services.document_cancel(document=document, by=world.agent, reason="again")


def test_resend_voids_the_version_keeps_its_signatures_and_asks_again(world):
    document = sent(world)
    sign(document, world.member)
    first = document.current_version
    with with_seal():
        services.document_resend(
            document=document,
            by=world.agent,
            reason="Clause 2 corrected",
            pdf=pdf("Corrected agreement"),
        )
    document.refresh_from_db()
    first.refresh_from_db()
    second = document.current_version
    assert first.void_at is not None and first.void_reason == "Clause 2 corrected"
    assert second.number == 2 and second.sha256 != first.sha256
    assert document.status == DocumentStatus.SENT
    # The earlier signature stays on the void version; the new version asks again.
    assert first.signers.get(user=world.member).status == SignerStatus.SIGNED
    assert dict(second.signers.values_list("user__email", "status")) == {
        world.member.email: "pending",
        world.manager.email: "waiting",
    }
    sign(document, world.member)
    sign(document, world.manager)
    with with_seal():
        assert verify(_sealed(document)).status == "intact"


def test_a_resent_expired_document_needs_a_new_due_date(world):
    document = sent(world)
    Document.objects.filter(pk=document.pk).update(
        due_at=timezone.now() - timedelta(days=1), expires_at=timezone.now() - timedelta(hours=1)
    )
    assert services.expire_due() == 1
    with pytest.raises(ValidationError, match="due date"), with_seal():
        services.document_resend(document=document, by=world.agent, reason="Again")
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED  # the refusal rolled everything back
    with with_seal():
        services.document_resend(
            document=document,
            by=world.agent,
            reason="Again",
            due_at=timezone.now() + timedelta(days=5),
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT and document.versions.count() == 2


def test_expiry_is_claimed_once_and_refuses_signing(world):
    document = sent(world, expires_at=timezone.now() + timedelta(days=30))
    later = timezone.now() + timedelta(days=31)
    assert services.expire_due(now=later) == 1
    assert services.expire_due(now=later) == 0
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED
    assert Event.objects.filter(verb="document_expired").count() == 1
    assert not document.signers.filter(status__in=["pending", "waiting"]).exists()


def test_reminders_go_once_before_and_once_after_the_due_date(world):
    document = sent(world, in_order=False, due_at=timezone.now() + timedelta(days=5))
    assert services.send_reminders() == 0  # not due soon yet
    soon = document.due_at - timedelta(hours=10)
    assert services.send_reminders(now=soon) == 2
    assert services.send_reminders(now=soon) == 0
    late = document.due_at + timedelta(hours=1)
    assert services.send_reminders(now=late) == 2
    assert services.send_reminders(now=late + timedelta(days=3)) == 0
    reminders = Event.objects.filter(verb="document_reminder")
    assert reminders.count() == 4
    assert sorted(reminders.values_list("data__overdue", flat=True)) == [False, False, True, True]
    # A signer who signed hears no more.
    sign(document, world.member)
    Signer.objects.filter(document=document).update(reminded_overdue_at=None)
    assert services.send_reminders(now=late) == 1


def test_sending_needs_a_seal_signers_of_the_organisation_and_a_future_due_date(world):
    document = draft(world)
    with override_settings(SIGNING_PKCS12_PATH=""), pytest.raises(ValidationError, match="seal"):
        services.document_send(document=document, by=world.agent)
    stranger = draft(world, signers=[world.outsider])
    with with_seal(), pytest.raises(ValidationError, match="active people"):
        services.document_send(document=stranger, by=world.agent)
    nobody = draft(world, signers=[])
    with with_seal(), pytest.raises(ValidationError, match="at least one signer"):
        services.document_send(document=nobody, by=world.agent)
    late = draft(world)
    Document.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    with with_seal(), pytest.raises(ValidationError, match="due date"):
        services.document_send(document=late, by=world.agent)
    assert not Document.objects.filter(status="sent").exists()


def test_an_approver_sends_it_on(world):
    document = draft(world, approver=world.supervisor)
    with with_seal():
        services.document_send(document=document, by=world.agent)
        document.refresh_from_db()
        assert document.status == DocumentStatus.APPROVAL
        assert not Document.objects.visible_to(world.member).exists()
        with pytest.raises(ValidationError, match="approver"):
            services.document_approve(document=document, by=world.agent)
        services.document_approve(document=document, by=world.supervisor)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT and document.approved_at is not None


def test_refused_pdfs_never_become_a_document(world):
    with pytest.raises(ValidationError):
        draft(world, pdf_bytes=b"%PDF-1.7 truncated")
    assert not Document.objects.exists()


def test_the_trail_shows_an_edit(world):
    document = sent(world, signers=[world.member])
    sign(document, world.member, password=PASSWORD)
    assert services.trail_intact(document)
    DocumentEvent.objects.filter(document=document, kind="signed").update(ip="192.0.2.99")
    assert not services.trail_intact(document)


def test_sealing_twice_seals_once(world):
    document = sent(world, signers=[world.member])
    sign(document, world.member)
    first = _sealed(document)
    with with_seal():
        assert services.document_seal(document_id=document.pk) is None
    document.refresh_from_db()
    assert document.sealed_file.open("rb").read() == first


def test_a_signature_on_a_version_the_signer_did_not_review_is_refused(world):
    document = sent(world, signers=[world.member])
    with with_seal():
        services.document_resend(
            document=document, by=world.agent, reason="Nueva cláusula", pdf=pdf("v2", pages=3)
        )
    with pytest.raises(ValidationError, match="changed since you opened it"):
        sign(document, world.member, version=1)
    with pytest.raises(ValidationError, match="changed since you opened it"):
        services.document_decline(document=document, user=world.member, reason="x", version=1)
    sign(document, world.member, version=2)
    assert document.signers.get(version__number=2).status == SignerStatus.SIGNED


def test_cancel_decline_and_expiry_reach_the_signers_who_were_asked(world):
    from notifications.fanout import recipients

    def heard(verb, document):
        event = Event.objects.filter(verb=verb, data__number=document.number).latest("pk")
        return {user.email for user in recipients(event)}

    both = sent(world, signers=[world.member, world.manager], in_order=False)
    services.document_cancel(document=both, by=world.agent, reason="Cliente equivocado")
    assert heard("document_cancelled", both) == {world.member.email, world.manager.email}
    other = sent(world, signers=[world.member, world.manager], in_order=False)
    services.document_decline(document=other, user=world.member, reason="Precio")
    assert heard("document_declined", other) == {world.manager.email, world.agent.email}
    late = sent(world, signers=[world.member], expires_at=timezone.now() + timedelta(days=8))
    services.expire_due(now=timezone.now() + timedelta(days=9))
    assert heard("document_expired", late) == {world.member.email, world.agent.email}


def test_the_approver_is_told_and_cannot_be_the_sender(world):
    from notifications.fanout import recipients

    mine = draft(world, approver=world.agent)
    with with_seal(), pytest.raises(ValidationError, match="name a colleague"):
        services.document_send(document=mine, by=world.agent)
    document = draft(world, approver=world.supervisor)
    with with_seal():
        services.document_send(document=document, by=world.agent)
    event = Event.objects.get(verb="document_approval_requested")
    assert event.visibility == "internal"
    assert {user.email for user in recipients(event)} == {world.supervisor.email}


def test_a_reminder_is_not_sent_on_the_heels_of_the_request(world):
    document = sent(world, signers=[world.member], due_at=timezone.now() + timedelta(hours=5))
    assert services.send_reminders() == 0  # asked a moment ago
    assert services.send_reminders(now=timezone.now() + timedelta(hours=2)) == 1
    assert document.trail.filter(kind="reminded").count() == 1


def test_a_staff_template_that_fails_is_refused_not_a_crash(world):
    for body in ("{{ 5|divisibleby:0 }}", "{% querystring %}", "{% now 'Y' %}", "{% load x %}"):
        template = DocumentTemplate.objects.create(name=body, title="T", body=body)
        with with_seal(), pytest.raises(ValidationError, match="template"):
            services.document_create(
                organisation=world.org,
                title="T",
                language="en",
                by=world.agent,
                due_at=timezone.now() + timedelta(days=2),
                signers=[world.member],
                template=template,
            )
    assert not Document.objects.exists()


def test_a_pdf_that_runs_scripts_is_refused(world):
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="scripts"):
        draft(world, pdf_bytes=out.getvalue())


def test_a_pdf_with_a_link_that_runs_a_script_is_refused(world):
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): NameObject("/calc.exe")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="scripts"):
        draft(world, pdf_bytes=out.getvalue())
    assert not Document.objects.exists()


def test_a_seal_is_made_inside_a_running_event_loop_too():
    # pyHanko starts its own loop; from a thread that runs one (an async view, a
    # browser driven by a test) it signs in another thread.
    import asyncio

    from signing.pdf.seal import seal

    async def inside():
        with with_seal():
            return seal(pdf(), reason="test")

    sealed = asyncio.run(inside())
    with with_seal():
        assert verify(sealed).status == "intact"
