"""The client's documents pages: the list, a document, its pages, signing, downloads, checking."""

import base64
import hashlib
import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from signing import services
from signing.models import Document
from signing.states import DocumentStatus, SignerStatus

from .factories import PASSWORD, pdf, sent, sign, with_seal

pytestmark = pytest.mark.django_db


def _drawn_png() -> str:
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 30) - 15), (10, 30, 70, 255))
        image.putpixel((x, 51 + (x % 30) - 15), (10, 30, 70, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _form(**changes):
    data = {
        "mode": "draw",
        "drawn": _drawn_png(),
        "typed_signature": "",
        "typed_name": "Diego Fuentes",
        "consent": "on",
        "password": PASSWORD,
        "code": "",
        "version": "1",
    }
    data.update(changes)
    return data


def test_the_list_shows_what_waits_for_me_and_for_my_colleagues(world, client_for):
    mine = sent(world, signers=[world.member], title="Para Diego")
    theirs = sent(world, signers=[world.other_member], title="Para Valentina")
    page = client_for(world.member).get(reverse("signing:list")).content.decode()
    assert "Para Diego" in page and "Para Valentina" not in page  # a member: only theirs
    page = client_for(world.manager).get(reverse("signing:list")).content.decode()
    assert "Para Valentina" in page and "Para Diego" in page
    assert mine.number in page and theirs.number in page
    assert "Waiting for others in your organisation" in page


def test_the_list_query_count_does_not_grow_with_documents(
    world, client_for, django_assert_max_num_queries
):
    for n in range(3):
        sent(world, signers=[world.member], title=f"Doc {n}")
    client = client_for(world.member)
    client.get(reverse("signing:list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("signing:list"))
    for n in range(3, 12):
        sent(world, signers=[world.member], title=f"Doc {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("signing:list"))


def test_tabs_filter_by_status(world, client_for):
    document = sent(world, signers=[world.member], title="Firmado ya")
    sign(document, world.member)
    client = client_for(world.member)
    assert "Firmado ya" not in client.get(reverse("signing:list")).content.decode()
    assert "Firmado ya" in client.get(reverse("signing:list") + "?tab=signed").content.decode()
    assert client.get(reverse("signing:list") + "?tab=nonsense").status_code == 200


def test_a_finished_tab_shows_its_history_a_page_at_a_time(world, client_for, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from signing import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(5):
        document = sent(world, signers=[world.member], title=f"Anulado {n}")
        services.document_cancel(document=document, by=world.agent, reason="Enviado por error")
    client = client_for(world.manager)
    url = reverse("signing:list") + "?tab=cancelled"
    client.get(url)
    shown, reads = [], []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"{url}&page={number}").content.decode()
        reads.append(len(queries.captured_queries))
        shown += re.findall(r"Anulado \d", page)
        assert f"Page {number} of 3" in page
        assert ('href="?tab=cancelled&amp;page=2"' in page) == (number != 2)
    assert reads[0] == reads[1] == reads[2]  # a later page reads no more
    # Newest first, each once; the tab still counts them all.
    assert shown == [f"Anulado {n}" for n in reversed(range(5))]
    assert re.search(r"Cancelled <span class=\"board__count\">5</span>", page)
    assert "Anulado 0" in client.get(f"{url}&page=99").content.decode()  # past the end: the last
    assert "Anulado 4" in client.get(f"{url}&page=x").content.decode()  # not a number: the first
    # What waits is shown at once, without pages.
    pending = client.get(reverse("signing:list")).content.decode()
    assert 'class="pagination"' not in pending


def test_opening_records_the_view_once_and_shows_the_pages(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    page = client.get(document.get_absolute_url()).content.decode()
    client.get(document.get_absolute_url())
    assert document.trail.filter(kind="viewed").count() == 1
    version = document.current_version
    assert reverse("signing:page", args=[document.number, version.number, 2]) in page
    assert "Sign the document" in page and "I agree to sign this document" in page
    image = client.get(
        reverse("signing:page", args=[document.number, version.number, 1]) + "?w=600"
    )
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size[0] == 600
    assert (
        client.get(reverse("signing:page", args=[document.number, version.number, 3])).status_code
        == 404
    )
    text = client.get(reverse("signing:page_text", args=[document.number, version.number, 2]))
    assert "clause 2" in text.content.decode()


def test_signing_from_the_page_with_a_drawn_signature(
    world, client_for, django_capture_on_commit_callbacks
):
    document = sent(world, signers=[world.member], language="en")
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("signing:sign", args=[document.number]), _form())
    assert response.status_code == 302
    signer = document.signers.get()
    assert signer.status == SignerStatus.SIGNED and signer.signature_png
    assert signer.ip == "127.0.0.1" and signer.auth_method == "password"
    # The signer read the consent in their own language, whatever the document's.
    assert signer.consent_text.startswith("Acepto firmar")
    document.refresh_from_db()
    assert document.status == DocumentStatus.SEALING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "wrong"}, "contraseña"),
        ({"consent": ""}, "acepte"),
        ({"drawn": "data:image/png;base64,AAAA"}, "firma"),
        ({"drawn": "", "mode": "type", "typed_signature": ""}, "firma"),
    ],
)
def test_a_refused_signature_says_why_in_the_readers_language(world, client_for, changes, message):
    document = sent(world, signers=[world.member])
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client = client_for(world.member)
    response = client.post(
        reverse("signing:sign", args=[document.number]), _form(**changes), follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode().lower()
    assert document.signers.get().status == SignerStatus.PENDING


def test_declining_from_the_page(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    response = client.post(
        reverse("signing:decline", args=[document.number]),
        {"reason": "", "version": "1"},
        follow=True,
    )
    assert document.signers.get().status == SignerStatus.PENDING
    response = client.post(
        reverse("signing:decline", args=[document.number]), {"reason": "Precio", "version": "1"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.DECLINED


def test_a_colleague_who_is_not_a_signer_cannot_reach_it(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.other_member)
    version = document.current_version
    for url in (
        document.get_absolute_url(),
        reverse("signing:page", args=[document.number, version.number, 1]),
        reverse("signing:original", args=[document.number, version.number]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("signing:sign", args=[document.number]), _form()).status_code == 404
    # A manager sees it, and cannot sign someone else's request.
    manager = client_for(world.manager)
    assert manager.get(document.get_absolute_url()).status_code == 200
    manager.post(reverse("signing:sign", args=[document.number]), _form())
    assert document.signers.get().status == SignerStatus.PENDING


def test_drafts_and_approvals_are_never_the_clients(world, client_for):
    from .factories import draft

    document = draft(world, signers=[world.member])
    assert client_for(world.member).get(document.get_absolute_url()).status_code == 404
    assert client_for(world.manager).get(document.get_absolute_url()).status_code == 404


def test_the_sealed_pdf_downloads_and_checks_intact_and_a_changed_copy_does_not(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    assert client.get(reverse("signing:signed", args=[document.number])).status_code == 404
    sign(document, world.member)
    with with_seal():
        services.document_seal(document_id=document.pk)
    response = client.get(reverse("signing:signed", args=[document.number]))
    sealed = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(sealed).hexdigest() == Document.objects.get(pk=document.pk).sealed_sha256
    with with_seal():
        page = client.get(
            reverse("signing:verify_document", args=[document.number])
        ).content.decode()
        assert "nothing has changed" in page.replace("\n", " ") or "nada ha cambiado" in page
        upload = io.BytesIO(sealed)
        upload.name = "signed.pdf"
        page = client.post(reverse("signing:verify"), {"file": upload}).content.decode()
        assert document.number in page and "This is our signed document" in page
        changed = bytearray(sealed)
        changed[changed.index(b"stream") + 40] ^= 1
        upload = io.BytesIO(bytes(changed))
        upload.name = "changed.pdf"
        page = client.post(reverse("signing:verify"), {"file": upload}).content.decode()
        assert "has been changed since it was sealed" in page
        assert "We have no document with exactly this content" in page
        upload = io.BytesIO(b"not a pdf at all")
        upload.name = "x.pdf"
        response = client.post(reverse("signing:verify"), {"file": upload})
        assert response.status_code == 200 and "not a PDF" in response.content.decode()


def test_the_original_of_a_document_is_recognised_but_not_described_to_strangers(world, client_for):
    document = sent(world, signers=[world.member])
    upload = io.BytesIO(pdf())
    upload.name = "original.pdf"
    page = (
        client_for(world.member).post(reverse("signing:verify"), {"file": upload}).content.decode()
    )
    assert document.number in page and "before signing" in page
    upload = io.BytesIO(pdf())
    upload.name = "original.pdf"
    page = (
        client_for(world.outsider)
        .post(reverse("signing:verify"), {"file": upload})
        .content.decode()
    )
    assert document.number not in page and "before signing" in page


def test_the_dashboard_shows_what_waits_for_my_signature(world, client_for):
    document = sent(world, signers=[world.member], title="Firma pendiente")
    page = client_for(world.member).get(reverse("portal:dashboard")).content.decode()
    assert "Firma pendiente" in page and document.get_absolute_url() in page
    page = client_for(world.other_member).get(reverse("portal:dashboard")).content.decode()
    assert "Firma pendiente" not in page


def test_staff_are_sent_to_the_admin(world, client_for):
    document = sent(world, signers=[world.member])
    assert client_for(world.agent).get(document.get_absolute_url()).status_code == 404


def test_wrong_methods(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    assert client.get(reverse("signing:sign", args=[document.number])).status_code == 405
    assert client.post(reverse("signing:list")).status_code == 405


def test_the_ticket_page_lists_its_documents_for_those_who_may_read_them(world, client_for, ticket):
    document = sent(world, signers=[world.member], title="Acta del ticket", ticket=ticket)
    page = client_for(world.member).get(ticket.get_absolute_url()).content.decode()
    assert "Acta del ticket" in page and document.get_absolute_url() in page
    # A colleague who may read the ticket but is not asked to sign sees no document.
    from tickets.models import TicketWatcher

    TicketWatcher.objects.create(ticket=ticket, user=world.other_member)
    page = client_for(world.other_member).get(ticket.get_absolute_url()).content.decode()
    assert "Acta del ticket" not in page


def test_the_deploy_check_warns_without_a_seal(settings):
    from django.core.checks import run_checks

    settings.SIGNING_PKCS12_PATH = ""
    assert "signing.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    with with_seal():
        assert "signing.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_a_code_by_e_mail_instead_of_the_password(world, client_for, mailoutbox):
    import re

    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    url = reverse("signing:send_code", args=[document.number])
    page = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "m•••" in page or "m••" in page
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [world.member.email]
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    assert code not in page
    # One a minute.
    page = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "less than a minute ago" in page and len(mailoutbox) == 1
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("signing:sign", args=[document.number]), _form(password="", code=wrong))
    assert document.signers.get().status == SignerStatus.PENDING
    client.post(reverse("signing:sign", args=[document.number]), _form(password="", code=code))
    signer = document.signers.get()
    assert signer.status == SignerStatus.SIGNED and signer.auth_method == "email_code"


def test_a_code_signs_only_its_own_request_once(world, client_for, mailoutbox):
    import re

    first = sent(world, signers=[world.member])
    second = sent(world, signers=[world.member])
    client = client_for(world.member)
    client.post(reverse("signing:send_code", args=[first.number]))
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    client.post(reverse("signing:sign", args=[second.number]), _form(password="", code=code))
    assert second.signers.get().status == SignerStatus.PENDING
    # Someone not asked to sign gets no code.
    other = client_for(world.other_member)
    assert other.post(reverse("signing:send_code", args=[first.number])).status_code == 404
    assert len(mailoutbox) == 1


def test_a_version_replaced_before_sending_never_reaches_the_client(world, client_for):
    from .factories import draft

    document = draft(world, signers=[world.member])
    services.version_replace(document=document, data=pdf("Final"), name="final.pdf", by=world.agent)
    with with_seal():
        services.document_send(document=document, by=world.agent)
    client = client_for(world.member)
    assert client.get(reverse("signing:original", args=[document.number, 1])).status_code == 404
    assert client.get(reverse("signing:original", args=[document.number, 2])).status_code == 200
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Earlier versions" not in page


def test_odd_document_numbers_and_a_long_decline_reason(world, client_for):
    document = sent(world, signers=[world.member])
    client = client_for(world.member)
    assert client.get("/documents/%00/").status_code == 404
    assert client.get("/documents/DOC-2026-1%00/").status_code == 404
    response = client.post(
        reverse("signing:decline", args=[document.number]),
        {"reason": "x" * 2001, "version": "1"},
        follow=True,
    )
    assert "2000" in response.content.decode()
    assert document.signers.get().status == SignerStatus.PENDING


def test_the_ticket_link_shows_only_to_those_who_may_open_the_ticket(world, client_for, ticket):
    document = sent(world, signers=[world.other_member], ticket=ticket)
    page = client_for(world.other_member).get(document.get_absolute_url()).content.decode()
    assert ticket.number not in page
    page = client_for(world.manager).get(document.get_absolute_url()).content.decode()
    assert ticket.get_absolute_url() in page
