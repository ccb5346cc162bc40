"""Drawing a diagram on a ticket, against a local stand-in for the draw.io editor.

The fake editor (tests/e2e/fake_drawio/) is served from its own origin (127.0.0.1 on
another port, while the portal is on localhost), so the test goes through the same
cross-origin iframe, CSP frame-src and postMessage origin checks as the real
embed.diagrams.net.
"""

import copy
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from csp.constants import SELF
from playwright.sync_api import Page, expect

from tests.e2e.conftest import artifact_path, assert_accessible
from tests.factories import PASSWORD
from tickets import drawio, services
from tickets.models import Attachment

pytestmark = pytest.mark.e2e

FAKE_EDITOR = Path(__file__).resolve().parent / "fake_drawio"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def fake_editor_url():
    handler = partial(_QuietHandler, directory=str(FAKE_EDITOR))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_editor(settings, fake_editor_url):
    """Point the portal at the fake editor, and let its pages frame it."""
    settings.DRAWIO_URL = fake_editor_url
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-src"] = [SELF, fake_editor_url]
    settings.CONTENT_SECURITY_POLICY = policy
    return fake_editor_url


def log_in(page: Page, base_url: str, user) -> None:
    page.goto(base_url + "/account/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_client_draws_a_diagram_and_reopens_it(
    live_world, live_server, fake_editor, page, browser_errors
):
    member = live_world.member
    member.language = "en"
    member.save(update_fields=["language"])
    ticket = services.ticket_open(
        organisation=live_world.org,
        requester=member,
        subject="Branch office link",
        description="Drops every few minutes",
    )
    log_in(page, live_server.url, member)
    page.goto(live_server.url + ticket.get_absolute_url())

    page.get_by_role("button", name="Draw a diagram").click()
    overlay = page.get_by_role("dialog")
    expect(overlay).to_be_visible()
    frame_element = overlay.locator("iframe")
    expect(frame_element).to_have_attribute("title", "Diagram editor")
    expect(frame_element).to_have_attribute(
        "src",
        f"{fake_editor}/?embed=1&proto=json&spin=1&saveAndExit=1&noSaveBtn=1&lang=en",
    )
    editor = page.frame_locator("iframe[title='Diagram editor']")
    # init -> load: a new diagram starts blank.
    expect(editor.locator("#loaded-kind")).to_have_text("blank")
    expect(editor.locator("#loaded-title")).to_have_text("diagram")
    box = overlay.bounding_box()
    assert box is not None and box["width"] == 1280 and box["height"] == 800
    page.screenshot(path=artifact_path("drawio_overlay"))

    # A message that is not from the editor's frame and origin is ignored.
    page.evaluate(
        """() => new Promise((resolve) => {
            window.addEventListener("message", (e) => { if (e.data === "marker") resolve(); });
            window.postMessage(JSON.stringify({event: "exit"}), "*");
            window.postMessage("marker", "*");
        })"""
    )
    expect(overlay).to_be_visible()

    # save -> export (xmlsvg) -> POST -> reload: the diagram is a reply with a preview.
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Your diagram diagram.drawio.svg was added to the ticket."
    )
    expect(overlay).to_be_hidden()
    preview = page.locator(".attachment img[alt='diagram.drawio.svg']")
    expect(preview).to_be_visible()
    preview.scroll_into_view_if_needed()  # the preview loads lazily
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    page.screenshot(path=artifact_path("drawio_saved"))

    attachment = Attachment.objects.get(ticket=ticket)
    stored = attachment.file.read()
    assert b' content="&lt;mxfile host=&quot;embed.diagrams.net&quot;' in stored
    assert b"<script" not in stored and b"foreignObject" not in stored
    assert "Módem &amp; router" in drawio.diagram_xml(stored)
    assert attachment.comment.author == member

    # "Edit in draw.io" hands the stored SVG (diagram inside) back to the editor.
    page.get_by_role("link", name="Edit in draw.io").click()
    expect(editor.locator("#loaded-kind")).to_have_text("svg with diagram")
    expect(editor.locator("#loaded-title")).to_have_text("diagram.drawio.svg")
    expect(editor.locator("#loaded")).to_contain_text("mxfile host=")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".attachment img[alt='diagram.drawio.svg']")).to_have_count(2)
    assert Attachment.objects.filter(ticket=ticket, name="diagram.drawio.svg").count() == 2

    # The editor's own Exit closes the overlay without saving.
    page.get_by_role("button", name="Draw a diagram").click()
    expect(editor.locator("#loaded-kind")).to_have_text("blank")
    editor.get_by_role("button", name="Exit").click()
    expect(overlay).to_be_hidden()
    assert Attachment.objects.filter(ticket=ticket).count() == 2

    assert browser_errors == []


def test_a_drawing_without_its_diagram_is_refused_and_the_editor_stays_open(
    live_world, live_server, fake_editor, page, browser_errors
):
    member = live_world.member
    member.language = "en"
    member.save(update_fields=["language"])
    ticket = services.ticket_open(
        organisation=live_world.org, requester=member, subject="VPN", description="Down"
    )
    log_in(page, live_server.url, member)
    page.goto(live_server.url + ticket.get_absolute_url())

    page.get_by_role("button", name="Draw a diagram").click()
    editor = page.frame_locator("iframe[title='Diagram editor']")
    expect(editor.locator("#loaded-kind")).to_have_text("blank")
    editor.get_by_role("button", name="Save a picture only").click()

    overlay = page.get_by_role("dialog")
    expect(overlay.get_by_role("status")).to_have_text(
        "diagram.drawio.svg has no draw.io diagram inside it, so it could not be edited again."
    )
    # The editor stays open with the drawing, so nothing is lost.
    expect(editor.locator("#loaded-kind")).to_have_text("blank")
    page.screenshot(path=artifact_path("drawio_refused"))
    assert not Attachment.objects.filter(ticket=ticket).exists()

    overlay.get_by_role("button", name="Close without saving").click()
    expect(overlay).to_be_hidden()
    expect(page.get_by_role("button", name="Draw a diagram")).to_be_focused()
    # Chromium logs the refused POST itself; nothing else may go wrong.
    assert [e for e in browser_errors if "400 (Bad Request)" not in e] == []


# --- An editor that cannot be reached (a closed network) -----------------------------


@pytest.fixture
def unreachable_editor(settings):
    """DRAWIO_URL at a port where nothing listens: the iframe gets the browser's error page."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings.DRAWIO_URL = url
    settings.DRAWIO_TIMEOUT_SECONDS = 1.5
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-src"] = [SELF, url]
    settings.CONTENT_SECURITY_POLICY = policy
    return url


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_editor_that_does_not_answer_is_reported_and_a_file_offered_instead(
    live_world, live_server, unreachable_editor, page, browser_errors, language
):
    from django.utils import translation

    with translation.override(language):
        text = {
            key: translation.gettext(key)
            for key in (
                "Draw a diagram",
                "Opening the diagram editor…",
                "The diagram editor did not answer: this network may not reach it. Draw in "
                "draw.io on your computer and attach the .drawio or .drawio.svg file instead.",
                "Attach a diagram file",
                "Send reply",
            )
        }
    assert len(set(text.values()) - set(text)) == (len(text) if language == "es" else 0)
    member = live_world.member
    member.language = language
    member.save(update_fields=["language"])
    ticket = services.ticket_open(
        organisation=live_world.org, requester=member, subject="Closed LAN", description="x"
    )
    log_in(page, live_server.url, member)
    page.goto(live_server.url + ticket.get_absolute_url())

    page.get_by_role("button", name=text["Draw a diagram"]).click()
    overlay = page.get_by_role("dialog")
    expect(overlay.get_by_role("status")).to_have_text(text["Opening the diagram editor…"])
    no_answer = [value for key, value in text.items() if key.startswith("The diagram editor")]
    expect(overlay.get_by_role("status")).to_have_text(no_answer[0], timeout=8_000)
    # The browser's broken frame is gone; the way forward is a file.
    expect(overlay.locator("iframe")).to_have_count(0)
    page.screenshot(path=artifact_path(f"drawio_unreachable_{language}"))
    assert_accessible(page)
    with page.expect_file_chooser() as chooser:
        overlay.get_by_role("button", name=text["Attach a diagram file"]).click()
    expect(overlay).to_be_hidden()
    assert chooser.value.element.get_attribute("name") == "attachments"

    # A .drawio.svg drawn elsewhere goes in as a reply and can be edited later.
    chooser.value.set_files(
        files=[
            {
                "name": "office.drawio.svg",
                "mimeType": "image/svg+xml",
                "buffer": drawio_svg_bytes(),
            }
        ]
    )
    page.get_by_role("button", name=text["Send reply"]).click()
    expect(page.locator(".attachment img[alt='office.drawio.svg']")).to_be_visible()
    assert drawio.diagram_xml(Attachment.objects.get(ticket=ticket).file.read()) is not None
    # Chromium reports the refused connection of the frame; nothing else may go wrong.
    assert [e for e in browser_errors if "ERR_CONNECTION_REFUSED" not in e] == []


def test_a_diagram_drawn_on_the_new_ticket_form_is_sent_with_the_ticket(
    live_world, live_server, fake_editor, page, browser_errors
):
    member = live_world.member
    member.language = "en"
    member.save(update_fields=["language"])
    log_in(page, live_server.url, member)
    page.goto(live_server.url + "/tickets/new/")
    page.get_by_label("Subject").fill("New site network")
    page.get_by_label("Description").fill("How the new office connects, see the diagram.")

    page.get_by_role("button", name="Draw a diagram").click()
    editor = page.frame_locator("iframe[title='Diagram editor']")
    expect(editor.locator("#loaded-kind")).to_have_text("blank")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("[data-drawio-announce]")).to_have_text(
        "diagram.drawio.svg will be attached when you open the ticket."
    )
    assert page.locator("#id_attachments").evaluate("input => input.files.length") == 1

    page.get_by_role("button", name="Open the ticket").click()
    expect(page.locator(".attachment img[alt='diagram.drawio.svg']")).to_be_visible()
    attachment = Attachment.objects.get(ticket__requester=member)
    assert attachment.name == "diagram.drawio.svg"
    assert "Módem &amp; router" in drawio.diagram_xml(attachment.file.read())
    assert browser_errors == []


def drawio_svg_bytes() -> bytes:
    from tests.tickets.test_drawio import drawio_svg, mxfile

    return drawio_svg(mxfile(compressed=True))
