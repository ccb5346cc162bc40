"""A client signs a document in the browser: they open it from the list, review its
pages, draw a signature, confirm with their password and sign; a real worker seals
the PDF; they download it, and the verification page says it is intact. The sealed
PDF's pages, rendered by pdftoppm, are kept with the screenshots."""

import hashlib
import shutil
import subprocess

import pytest
from django.urls import reverse
from PIL import Image, ImageStat
from playwright.sync_api import expect
from pypdf import PdfReader

from signing.models import Document
from signing.states import DocumentStatus
from tests.e2e.conftest import PHONE, artifact_path, assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.signing.factories import PASSPHRASE, seal_path, sent

pytestmark = pytest.mark.e2e


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def _draw(page):
    canvas = page.locator("[data-pad-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 30):
        x = box["x"] + 20 + step * (box["width"] - 40) / 30
        y = box["y"] + box["height"] * (0.6 - 0.25 * ((step % 6) - 3) / 3)
        page.mouse.move(x, y, steps=2)
    page.mouse.up()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_client_reviews_draws_signs_downloads_and_verifies(
    live_world, live_server, page, settings, start_worker, viewport, tmp_path
):
    world, url = live_world, live_server.url
    seal = {"SIGNING_PKCS12_PATH": seal_path(), "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE}
    for name, value in seal.items():
        setattr(settings, name, value)
    start_worker(**seal)
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    document = sent(world, signers=[world.member], title="Acuerdo de nivel de servicio 2026")
    if viewport:
        page.set_viewport_size(viewport)
    name = "phone" if viewport else "desktop"

    _login(page, url, world.member.email)
    page.goto(url + reverse("signing:list"))
    page.get_by_role("link", name=document.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(document.title)
    # Both pages are shown, each as an image of the page that loaded.
    images = page.locator(".signing-page img")
    expect(images).to_have_count(2)
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        # naturalWidth is the width the srcset's pick is laid out at (density-corrected).
        assert image.evaluate("img => img.naturalWidth") >= 300
    page.screenshot(path=artifact_path(f"signing_review_{name}"), full_page=True)
    assert_accessible(page)

    _draw(page)
    assert page.locator("input[name=drawn]").input_value().startswith("data:image/png;base64,")
    page.get_by_label("Leí y acepto la declaración anterior.").check()
    page.get_by_label("Su nombre completo").fill("Diego Fuentes Rojas")
    page.get_by_label("Su contraseña").fill(PASSWORD)
    page.screenshot(path=artifact_path(f"signing_sign_{name}"), full_page=True)
    page.get_by_role("button", name="Firmar el documento").click()
    expect(page.locator(".message--success")).to_contain_text("Firmado")

    # The worker seals it; the page polls until the download is offered.
    download_link = page.get_by_role("link", name="Descargar el PDF firmado")
    download_link.wait_for(timeout=30_000)
    document.refresh_from_db()
    assert document.status == DocumentStatus.COMPLETED
    signer = document.signers.get()
    assert signer.signature_png and signer.typed_name == "Diego Fuentes Rojas"
    assert_accessible(page)
    with page.expect_download() as caught:
        download_link.click()
    path = tmp_path / "signed.pdf"
    caught.value.save_as(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sealed_sha256

    page.goto(url + reverse("signing:verify"))
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Comprobar").click()
    result = page.locator(".signing-result--intact")
    expect(result).to_contain_text("nada ha cambiado")
    expect(result).to_contain_text(document.number)
    page.screenshot(path=artifact_path(f"signing_verified_{name}"), full_page=True)
    assert_accessible(page)

    if viewport is None:
        _pages_look_right(path)
    assert Document.objects.get(pk=document.pk).sealed_sha256 == document.sealed_sha256


def _pages_look_right(path):
    """Each page of the sealed PDF, as pdftoppm renders it: four pages, none blank."""
    assert shutil.which("pdftoppm"), "make test installs poppler-utils"
    prefix = artifact_path("signing_sealed_page").with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(prefix)], check=True)
    rendered = sorted(prefix.parent.glob(prefix.name + "-*.png"))
    pages = len(PdfReader(path).pages)
    # The two pages signed, the signatures, then the certificate (one page or more).
    assert len(rendered) == pages >= 4
    for png in rendered:
        with Image.open(png) as image:
            assert image.width > 400
            # Ink on the page: not a blank (or a black) sheet.
            assert 2 < ImageStat.Stat(image.convert("L")).stddev[0] < 120
