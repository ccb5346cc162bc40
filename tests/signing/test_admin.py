"""Staff prepare, send, cancel and re-send documents in the admin."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from signing.models import Document
from signing.states import DocumentStatus

from .factories import pdf, sent, with_seal

pytestmark = pytest.mark.django_db


def _management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _add_form(world, **changes):
    due = timezone.localtime() + timedelta(days=5)
    data = {
        "organisation": world.org.pk,
        "title": "Contrato de servicio",
        "language": "es",
        "message": "Por favor, firmen.",
        "source": "upload",
        "in_order": "on",
        "due_at_0": due.strftime("%Y-%m-%d"),
        "due_at_1": due.strftime("%H:%M:%S"),
        "pdf": SimpleUploadedFile("contrato.pdf", pdf(), "application/pdf"),
        **_management("signers", total=2),
        "signers-0-order": "1",
        "signers-0-user": world.member.pk,
        "signers-1-order": "2",
        "signers-1-user": world.manager.pk,
        **_management("versions"),
        **_management("trail"),
    }
    data.update(changes)
    return data


def test_an_agent_prepares_and_sends_a_document(world, client_for):
    client = client_for(world.agent)
    response = client.post(reverse("admin:signing_document_add"), _add_form(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get()
    assert document.status == DocumentStatus.DRAFT and document.number.startswith("DOC-")
    assert list(document.signers.values_list("user__email", "order")) == [
        (world.member.email, 1),
        (world.manager.email, 2),
    ]
    assert document.current_version.pages == 2
    page = client.get(reverse("admin:signing_document_change", args=[document.pk]))
    assert "Send for signature" in page.content.decode()
    with with_seal():
        client.post(reverse("admin:signing_document_send", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT
    # Once sent, nothing is edited on the form: staff act through the buttons.
    page = client.get(reverse("admin:signing_document_change", args=[document.pk])).content
    assert b'name="title"' not in page and b"Send a new version" in page
    pdf_response = client.get(reverse("admin:signing_document_version", args=[document.pk, 1]))
    assert pdf_response["Content-Type"] == "application/pdf"


def test_a_broken_pdf_is_refused_on_the_form(world, client_for):
    client = client_for(world.agent)
    form = _add_form(
        world, pdf=SimpleUploadedFile("contrato.pdf", b"%PDF-1.4 broken", "application/pdf")
    )
    response = client.post(reverse("admin:signing_document_add"), form, follow=True)
    assert not Document.objects.exists()
    assert response.status_code == 200


def test_an_upload_needs_its_pdf(world, client_for):
    form = _add_form(world)
    form.pop("pdf")
    response = client_for(world.agent).post(reverse("admin:signing_document_add"), form)
    assert response.status_code == 200 and not Document.objects.exists()
    assert "Upload the PDF to sign" in response.content.decode()


def test_sending_without_a_seal_says_why(world, client_for, settings):
    client = client_for(world.agent)
    client.post(reverse("admin:signing_document_add"), _add_form(world))
    document = Document.objects.get()
    settings.SIGNING_PKCS12_PATH = ""
    response = client.post(reverse("admin:signing_document_send", args=[document.pk]), follow=True)
    assert "seal" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


def test_cancel_and_resend_through_their_forms(world, client_for):
    client = client_for(world.agent)
    document = sent(world)
    url = reverse("admin:signing_document_resend", args=[document.pk])
    assert client.get(url).status_code == 200
    with with_seal():
        response = client.post(
            url,
            {
                "reason": "Cláusula 3 corregida",
                "pdf": SimpleUploadedFile("v2.pdf", pdf("Versión 2"), "application/pdf"),
            },
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.versions.count() == 2 and document.status == DocumentStatus.SENT
    url = reverse("admin:signing_document_cancel", args=[document.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, with its error
    client.post(url, {"reason": "Cliente equivocado"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED


def test_the_trail_is_read_only(world, client_for):
    document = sent(world)
    client = client_for(world.supervisor)
    page = client.get(reverse("admin:signing_document_change", args=[document.pk])).content
    assert b"trail-TOTAL_FORMS" in page and b"Consent accepted" not in page
    assert b'name="trail-0-detail"' not in page and b'name="trail-0-kind"' not in page
    assert b"Sent" in page  # the rows are shown, as text


def test_a_client_cannot_reach_the_admin_views(world, client_for):
    document = sent(world)
    client = client_for(world.manager)
    response = client.post(reverse("admin:signing_document_cancel", args=[document.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_stale_form_cannot_overwrite_a_sent_document(world, client_for):
    client = client_for(world.agent)
    client.post(reverse("admin:signing_document_add"), _add_form(world))
    document = Document.objects.get()
    form = _add_form(world, title="Otro título")
    form.pop("pdf")
    form.pop("organisation")
    form.update(
        {"signers-INITIAL_FORMS": "2", "signers-TOTAL_FORMS": "2"}
        | {f"signers-{i}-id": str(s.pk) for i, s in enumerate(document.signers.order_by("order"))}
        | {f"signers-{i}-document": str(document.pk) for i in range(2)}
    )
    with with_seal():
        client.post(reverse("admin:signing_document_send", args=[document.pk]))
    client.post(reverse("admin:signing_document_change", args=[document.pk]), form)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT and document.title == "Contrato de servicio"


def test_a_composed_draft_names_its_signers_from_the_admin(world, client_for):
    from signing.models import DocumentTemplate
    from signing.pdf.render import page_text

    template = DocumentTemplate.objects.create(
        name="Acta", title="Acta", body="<p>Firman: {{ signers }}</p>"
    )
    form = _add_form(world, source="template", template=template.pk)
    form.pop("pdf")
    response = client_for(world.agent).post(reverse("admin:signing_document_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    with document.current_version.file.open("rb") as handle:
        text = page_text(handle.read(), 0)
    assert world.member.display_name in text and world.manager.display_name in text
