"""Hostile files posted through the real upload forms of every app.

Each attack (too big, empty, bytes that are not what the name says, a name
that is a path or hides its extension, a PDF that runs script, a zip bomb, a
damaged archive) goes to each portal form that takes files: a new ticket, a
reply, a new wish, a comment on a wish, a survey's file question (the admin's
file fields call the same core.uploads.clean_uploads through
tickets.admin_forms.MultipleFileField; tests/core/test_uploads.py checks it
alone). Each is refused with core.uploads' message in the
reader's language, and nothing is kept: no row, no file in storage, no 500.
Names that are paths and SVG with script are not refused but cleaned: the
file is kept under its bare name, the SVG rewritten without what could run.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core.uploads import clean_uploads
from surveys.models import ResponseFile
from tickets.models import Attachment, Comment, Ticket
from wishes.models import Wish, WishAttachment

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def _pdf(catalog_extra: bytes) -> bytes:
    """A small, well-formed PDF whose catalog carries `catalog_extra`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (4, xref))
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# 20 MB of zeros deflate to about 20 kB: a thousand to one.
BOMB = _zip({"zeros.bin": b"\x00" * 20_000_000})
DOCX_BOMB = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * 20_000_000})

# (id, file name, content, settings): each must be refused.
REFUSED = [
    ("oversize", "big.txt", b"a" * 1001, {"ATTACHMENT_MAX_BYTES": 1000}),
    ("empty", "empty.txt", b"", {}),
    ("png named pdf", "scan.pdf", PNG, {}),
    ("pdf named png", "photo.png", PDF, {}),
    ("binary named text", "notes.txt", PNG, {}),
    ("program", "setup.exe", b"MZ\x90\x00\x03\x00", {}),
    ("path to passwd", "../../etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n", {}),
    ("rtl override", "invoice\u202etxt.exe", b"MZ\x90\x00", {}),
    ("html", "page.html", b"<html><script>alert(1)</script></html>", {}),
    (
        "pdf javascript",
        "offer.pdf",
        _pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        {},
    ),
    # The same, with the names written in hex escapes a byte scan cannot see.
    (
        "pdf escaped javascript",
        "offer.pdf",
        _pdf(b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"),
        {},
    ),
    ("pdf launch", "offer.pdf", _pdf(b"/OpenAction << /S /Launch /F (calc.exe) >>"), {}),
    ("zip bomb", "logs.zip", BOMB, {}),
    ("docx bomb", "report.docx", DOCX_BOMB, {}),
    ("damaged zip", "logs.zip", b"PK\x03\x04" + b"\x00" * 40, {}),
]


def _message(name, data, language="en") -> str:
    with translation.override(language):
        try:
            clean_uploads([SimpleUploadedFile(name, data)])
        except ValidationError as error:
            return error.messages[0]
    raise AssertionError(f"{name} passes core.uploads")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def _rows() -> dict:
    models = (Ticket, Comment, Attachment, Wish, WishAttachment, ResponseFile)
    return {model.__name__: model.objects.count() for model in models}


# Each form that takes files: (world, upload) -> response, given a logged-in client.
def _new_ticket(client, world, upload):
    data = {"subject": "Router", "description": "Down", "attachments": upload}
    return client.post(reverse("tickets:create"), data, follow=True)


def _reply(client, world, upload):
    from tests.tickets.factories import open_ticket

    ticket = open_ticket(world)
    url = reverse("tickets:detail", args=[ticket.number])
    return client.post(url, {"body": "See the file", "attachments": upload}, follow=True)


def _new_wish(client, world, upload):
    data = {
        "title": "Reports",
        "description": "Monthly",
        "value": "medium",
        "attachments": upload,
        "submit": "1",
    }
    return client.post(reverse("wishes:create"), data, follow=True)


def _wish_comment(client, world, upload):
    from tests.wishes.factories import submitted

    wish = submitted(world, "Reports")
    url = reverse("wishes:comment", args=[wish.number])
    return client.post(url, {"body": "See the file", "attachments": upload}, follow=True)


def _survey_file(client, world, upload):
    from surveys import services
    from surveys.models import Audience, QuestionType
    from tests.surveys.factories import make_form

    question = {"key": "plan", "type": QuestionType.FILE, "label": "Plan", "required": True}
    form = make_form(questions=[question])
    sending = services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    invitation = sending.invitations.get(user=world.member)
    url = reverse("surveys:answer", args=[invitation.token])
    return client.post(url, {"action": "submit", "q_plan": upload}, follow=True)


FORMS = {
    "new ticket": _new_ticket,
    "reply": _reply,
    "new wish": _new_wish,
    "wish comment": _wish_comment,
    "survey file": _survey_file,
}


def _attack(client, world, media, form, name, data):
    """Post the file through `form`; returns the answer and what was kept before."""
    client.force_login(world.member)
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    before, real_post = [], client.post

    def post(*args, **kwargs):
        # Counted here: after the form's own objects (a ticket to reply to) are made.
        before.append((_rows(), len(_stored(media))))
        return real_post(*args, **kwargs)

    client.post = post
    try:
        response = FORMS[form](client, world, upload)
    finally:
        del client.post
    return response, before[0]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("attack", "name", "data", "overrides"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_hostile_files_are_refused_and_nothing_is_kept(
    client, world, media, settings, form, attack, name, data, overrides
):
    for setting, value in overrides.items():
        setattr(settings, setting, value)
    response, (rows, files) = _attack(client, world, media, form, name, data)
    assert response.status_code < 500
    body = response.content.decode()
    # Django's own file field says an empty file is empty before core.uploads can.
    said = [_message(name, data), str(forms.FileField.default_error_messages["empty"])]
    assert any(escape(message) in body for message in said[: 2 if not data else 1]), (form, attack)
    assert _rows() == rows
    assert len(_stored(media)) == files


def test_the_refusal_is_in_the_readers_language(client, world, media):
    world.member.language = "es"
    world.member.save()
    english, spanish = _message("empty.txt", b""), _message("empty.txt", b"", "es")
    assert english != spanish
    response, _ = _attack(client, world, media, "new ticket", "empty.txt", b"")
    assert escape(spanish) in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("..\\..\\windows\\offer.pdf", "offer.pdf"),
        ("../../../../etc/offer.pdf", "offer.pdf"),
        ("a" * 300 + ".pdf", "a" * 137 + ".pdf"),
        ("offer\u202efdp.pdf", "offerfdp.pdf"),
    ],
)
def test_names_that_are_paths_are_kept_as_bare_names_inside_storage(
    client, world, media, raw, kept
):
    response, _ = _attack(client, world, media, "new ticket", raw, PDF)
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.name == kept
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert ".." not in attachment.file.name and "\\" not in attachment.file.name


def test_svg_with_script_is_kept_without_anything_that_runs(client, world, media):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        b' onload="alert(1)"><script>alert(2)</script>'
        b'<image xlink:href="https://evil.example/x.png"/>'
        b'<rect width="5" height="5"/><a href="javascript:alert(3)"><text>x</text></a>'
        b"<foreignObject><iframe src='https://evil.example'/></foreignObject></svg>"
    )
    response, _ = _attack(client, world, media, "new ticket", "plan.svg", svg)
    assert response.status_code == 200
    stored = Attachment.objects.get().file.read()
    for needle in (b"onload", b"<script", b"evil.example", b"javascript:", b"foreignObject"):
        assert needle not in stored
    assert b"<rect" in stored
