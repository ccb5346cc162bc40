"""Diagrams drawn in draw.io: what the save view stores, and reading the diagram back."""

import json
import xml.etree.ElementTree as ElementTree
from html import escape

import pytest
from defusedxml.ElementTree import fromstring
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.uploads import clean_uploads, upload_from_bytes
from tickets import drawio, services
from tickets.models import Attachment, Comment, Ticket
from tickets.states import Status

MODEL = (
    '<mxGraphModel dx="800" dy="600" grid="1"><root><mxCell id="0"/>'
    '<mxCell id="1" parent="0"/>'
    '<mxCell id="2" value="Router R1 &amp; switch" style="rounded=1;html=1;" vertex="1" '
    'parent="1"><mxGeometry x="0" y="0" width="160" height="80" as="geometry"/></mxCell>'
    "</root></mxGraphModel>"
)


def mxfile(*, compressed: bool, model: str = MODEL) -> str:
    page = drawio.compress(model) if compressed else model
    return (
        '<mxfile host="embed.diagrams.net" agent="Mozilla/5.0" version="24.7.17">'
        f'<diagram id="x" name="Page-1">{page}</diagram></mxfile>'
    )


def drawio_svg(content: str | None, *, extra: str = "", prolog: str = "") -> bytes:
    """An SVG shaped like draw.io's "xmlsvg" export: the diagram in the root's `content`."""
    attribute = f' content="{escape(content)}"' if content is not None else ""
    return (
        f"{prolog}"
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'version="1.1" width="161px" height="81px" viewBox="-0.5 -0.5 161 81"'
        f"{attribute}><defs/><g>"
        '<rect x="0" y="0" width="160" height="80" rx="12" ry="12" fill="#dae8fc" '
        'stroke="#6c8ebf" pointer-events="all"/>'
        '<g transform="translate(-0.5 -0.5)"><switch>'
        '<foreignObject width="100%" height="100%" '
        'requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility">'
        '<div xmlns="http://www.w3.org/1999/xhtml">Router R1 &amp; switch</div></foreignObject>'
        '<text x="80" y="44" font-family="Helvetica" font-size="12px" text-anchor="middle">'
        "Router R1 &amp; switch</text></switch></g></g>"
        f"{extra}</svg>"
    ).encode()


def drawio_cleaned(name, data):
    return clean_uploads([upload_from_bytes(name, data)])


def models_of(mxfile_xml: str) -> list[str]:
    root = fromstring(mxfile_xml)
    return [
        ElementTree.tostring(page.find("mxGraphModel"), encoding="unicode")
        for page in root.findall("diagram")
    ]


def canonical(xml: str) -> str:
    return ElementTree.canonicalize(xml)


def save(client, ticket, data: bytes, name="network", filename="export.svg"):
    return client.post(
        reverse("tickets:diagram_save", args=[ticket.number]),
        {"name": name, "file": SimpleUploadedFile(filename, data, "image/svg+xml")},
    )


# Reading the diagram a .drawio.svg carries ------------------------------------------


@pytest.mark.parametrize("compressed", [True, False])
def test_diagram_xml_decodes_the_embedded_mxfile(compressed):
    decoded = drawio.diagram_xml(drawio_svg(mxfile(compressed=compressed)))
    assert decoded is not None
    assert fromstring(decoded).tag == "mxfile"
    assert [canonical(m) for m in models_of(decoded)] == [canonical(MODEL)]


def test_compress_is_drawios_graph_compress():
    # base64(raw DEFLATE(encodeURIComponent(xml))), as draw.io writes compressed pages.
    text = drawio.compress('<a b="é &amp; c"/>')
    assert drawio.decompress(text) == '<a b="é &amp; c"/>'


@pytest.mark.parametrize(
    "svg",
    [
        pytest.param(drawio_svg(None), id="plain svg"),
        pytest.param(drawio_svg(""), id="empty content"),
        pytest.param(drawio_svg("just some words"), id="content not xml"),
        pytest.param(drawio_svg("<html/>"), id="content not mxfile"),
        pytest.param(drawio_svg("<mxfile/>"), id="mxfile without pages"),
        pytest.param(
            drawio_svg('<mxfile><diagram id="x">not-base64-deflate!</diagram></mxfile>'),
            id="page not decodable",
        ),
        pytest.param(b"<html/>", id="not svg"),
        pytest.param(b"\x89PNG\r\n\x1a\n", id="not xml"),
    ],
)
def test_diagram_xml_is_none_when_there_is_no_diagram(svg):
    assert drawio.diagram_xml(svg) is None


def test_a_compressed_page_may_not_inflate_without_limit(monkeypatch):
    monkeypatch.setattr(drawio, "MAX_PAGE_BYTES", 1000)
    big = MODEL.replace("<root>", "<root>" + '<mxCell id="p"/>' * 500)
    assert drawio.diagram_xml(drawio_svg(mxfile(compressed=True, model=big))) is None
    assert drawio.diagram_xml(drawio_svg(mxfile(compressed=True))) is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "diagram.drawio.svg"),
        ("network", "network.drawio.svg"),
        ("network.svg", "network.drawio.svg"),
        ("Network.DRAWIO.SVG", "Network.drawio.svg"),
        ("plan.drawio", "plan.drawio.svg"),
        ("../../etc/passwd", "passwd.drawio.svg"),
        ("C:\\Users\\x\\wan.drawio.svg", "wan.drawio.svg"),
        ("a\x00b\nc", "abc.drawio.svg"),
        ("   ", "diagram.drawio.svg"),
        ("x" * 300, "x" * 100 + ".drawio.svg"),
    ],
)
def test_diagram_name_always_ends_in_drawio_svg(raw, expected):
    assert drawio.diagram_name(raw) == expected


# The editor's address ---------------------------------------------------------------


def test_editor_address_follows_the_setting_and_the_users_language(client, world, ticket, settings):
    settings.DRAWIO_URL = "https://draw.example.net/drawio"
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client.force_login(world.member)
    response = client.get(reverse("tickets:diagram_editor", args=[ticket.number]))
    assert response.status_code == 200
    assert response.json() == {
        "src": "https://draw.example.net/drawio/?embed=1&proto=json&spin=1"
        "&saveAndExit=1&noSaveBtn=1&lang=es",
    }


def test_the_page_may_frame_the_configured_editor(client, world, ticket):
    client.force_login(world.member)
    response = client.get(reverse("tickets:detail", args=[ticket.number]))
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["frame-src"] == "'self' https://embed.diagrams.net"
    assert directives["script-src"] == "'self'"


def test_ticket_page_offers_drawing_and_editing_diagrams(client, world, ticket):
    services.comment_add(
        ticket=ticket,
        author=world.member,
        body="",
        attachments=drawio_cleaned("wan.drawio.svg", drawio_svg(mxfile(compressed=False))),
    )
    attachment = ticket.attachments.get()
    client.force_login(world.member)
    body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Draw a diagram" in body
    assert f'data-save-url="{reverse("tickets:diagram_save", args=[ticket.number])}"' in body
    assert "js/drawio.js" in body
    edit = reverse("tickets:attachment", args=[ticket.number, attachment.pk]) + "?inline=1"
    assert f'href="{edit}" class="attachment__edit small" data-drawio-edit' in body
    assert "Edit in draw.io" in body


def test_no_drawing_on_a_merged_ticket(client, world, ticket):
    other = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Other", description="x"
    )
    Ticket.objects.filter(pk=ticket.pk).update(merged_into=other)
    client.force_login(world.member)
    body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Draw a diagram" not in body
    response = save(client, ticket, drawio_svg(mxfile(compressed=True)))
    assert response.status_code == 400
    assert not Attachment.objects.exists()


# Saving -----------------------------------------------------------------------------


def test_save_stores_a_sanitised_drawio_svg_whose_diagram_survives(client, world, ticket):
    hostile = (
        '<script>alert("x")</script>'
        '<a xlink:href="javascript:alert(1)"><text>click</text></a>'
        '<image xlink:href="https://tracker.example.com/p.png" width="1" height="1"/>'
    )
    original = mxfile(compressed=True)
    data = drawio_svg(original, extra=hostile).replace(b"<svg ", b'<svg onload="alert(1)" ', 1)
    client.force_login(world.member)

    response = save(client, ticket, data, name="Branch network")

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.name == "Branch network.drawio.svg"
    assert attachment.is_diagram
    assert attachment.content_type == "image/svg+xml"
    assert not attachment.is_internal
    assert attachment.uploaded_by == world.member
    comment = attachment.comment
    assert comment.author == world.member and comment.body == "" and not comment.is_internal
    ticket.refresh_from_db()
    assert ticket.public_reply_count == 1

    stored = attachment.file.read()
    assert attachment.size == len(stored)
    for danger in (b"<script", b"onload", b"javascript:", b"foreignObject", b"tracker.example"):
        assert danger not in stored
    assert b"<rect" in stored and b"Router R1 &amp; switch</text>" in stored
    # The preview still carries the diagram: decode it back.
    root = fromstring(stored)
    assert root.get("content") == original
    assert [canonical(m) for m in models_of(drawio.diagram_xml(stored))] == [canonical(MODEL)]

    assert response.json() == {
        "name": "Branch network.drawio.svg",
        "url": reverse("tickets:attachment", args=[ticket.number, attachment.pk]),
        "redirect": reverse("tickets:detail", args=[ticket.number]) + "#latest",
    }
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Your diagram Branch network.drawio.svg was added to the ticket." in page


def test_save_accepts_drawios_svg_file_prolog(client, world, ticket):
    prolog = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Do not edit this file with editors other than draw.io -->\n"
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    )
    client.force_login(world.member)
    response = save(client, ticket, drawio_svg(mxfile(compressed=False), prolog=prolog))
    assert response.status_code == 201, response.content
    assert drawio.diagram_xml(Attachment.objects.get().file.read()) is not None


def test_a_client_reply_moves_a_waiting_ticket_back_to_support(client, world, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.WAITING_ON_CLIENT)
    client.force_login(world.member)
    assert save(client, ticket, drawio_svg(mxfile(compressed=True))).status_code == 201
    ticket.refresh_from_db()
    assert ticket.status != Status.WAITING_ON_CLIENT


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "export.png",
            "network.drawio.svg: this kind of file is not accepted",
            id="png",
        ),
        pytest.param(
            b"hello, not a drawing",
            "export.svg",
            "network.drawio.svg is not an SVG image we can accept safely.",
            id="text",
        ),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "export.svg",
            "network.drawio.svg is not an SVG image we can accept safely.",
            id="entities",
        ),
        pytest.param(
            b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
            "export.svg",
            "network.drawio.svg is not an SVG image we can accept safely.",
            id="html",
        ),
        pytest.param(
            drawio_svg(None),
            "export.svg",
            "network.drawio.svg has no draw.io diagram inside it",
            id="svg without diagram",
        ),
        pytest.param(b"", "export.svg", "network.drawio.svg is empty.", id="empty"),
    ],
)
def test_what_is_not_a_safe_diagram_is_refused_and_nothing_stored(
    client, world, ticket, data, filename, message
):
    client.force_login(world.member)
    response = save(client, ticket, data, filename=filename)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in json.loads(response.content)["error"]
    assert not Attachment.objects.exists()
    assert not Comment.objects.exists()


def test_save_without_a_file_is_refused(client, world, ticket):
    client.force_login(world.member)
    response = client.post(
        reverse("tickets:diagram_save", args=[ticket.number]), {"name": "network"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "No diagram was sent."}


def test_save_is_post_only(client, world, ticket):
    client.force_login(world.member)
    url = reverse("tickets:diagram_save", args=[ticket.number])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "stray_partner", "agent"])
def test_save_out_of_scope_is_404_and_stores_nothing(client, world, ticket, persona):
    client.force_login(getattr(world, persona))
    response = save(client, ticket, drawio_svg(mxfile(compressed=True)))
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_another_member_who_does_not_see_the_ticket_gets_404(client, world, ticket):
    client.force_login(world.other_member)
    assert save(client, ticket, drawio_svg(mxfile(compressed=True))).status_code == 404


def test_manager_of_the_organisation_may_add_a_diagram(client, world, ticket):
    client.force_login(world.manager)
    assert save(client, ticket, drawio_svg(mxfile(compressed=True))).status_code == 201


def test_save_needs_the_csrf_token(world, ticket):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.member)
    response = save(csrf_client, ticket, drawio_svg(mxfile(compressed=True)))
    assert response.status_code == 403
    assert not Attachment.objects.exists()


# The editor's address for a diagram drawn before the ticket exists ------------------


def test_the_new_ticket_form_offers_a_diagram_that_joins_its_attachments(client, world, settings):
    settings.DRAWIO_TIMEOUT_SECONDS = 4
    client.force_login(world.member)
    body = client.get(reverse("tickets:create")).content.decode()
    assert f'data-editor-url="{reverse("tickets:diagram_editor_new")}"' in body
    assert "data-save-url" not in body  # no ticket yet: the file goes with the form
    assert 'data-upload-target="#id_attachments"' in body
    assert 'data-timeout-ms="4000"' in body
    assert "Draw a diagram" in body


def test_the_new_ticket_editor_address_is_for_clients(client, world, settings):
    settings.DRAWIO_URL = "https://drawio.example.net"
    url = reverse("tickets:diagram_editor_new")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(world.member)
    assert client.get(url).json()["src"].startswith("https://drawio.example.net/?embed=1")
    assert client.post(url).status_code == 405
    client.force_login(world.agent)
    assert client.get(url).status_code == 404
