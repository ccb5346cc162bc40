"""manage.py verify_pdf FILE."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(path) -> str:
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    return out.getvalue()


def test_an_intact_file(seal_settings, sealed_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(sealed_pdf)
    lines = _run(path).splitlines()
    assert lines[0] == "Status: intact"
    assert lines[1] == "Sealed by: Test portal seal, Andes Soporte SpA"
    assert lines[2].startswith("Sealed at: 20")
    assert lines[3] == "Covers the whole file: yes"
    assert lines[4].startswith("SHA-256: ") and len(lines[4]) == len("SHA-256: ") + 64


def test_a_modified_file_exits_non_zero(seal_settings, sealed_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(sealed_pdf + b"\n% appended after the seal\n")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_pdf", str(path), stdout=out)
    assert caught.value.returncode == 1
    assert "changed since it was sealed" in str(caught.value)
    assert "Status: modified" in out.getvalue()
    assert "Covers the whole file: no" in out.getvalue()


def test_a_missing_file(seal_settings, tmp_path):
    with pytest.raises(CommandError) as caught:
        _run(tmp_path / "nothing.pdf")
    assert caught.value.returncode == 2


def test_names_our_document_and_its_signers(world, tmp_path):
    from signing import services

    from .factories import sent, sign, with_seal

    document = sent(world, signers=[world.member], title="Acuerdo 2026")
    sign(document, world.member, typed_name="Diego Fuentes")
    with with_seal():
        services.document_seal(document_id=document.pk)
        document.refresh_from_db()
        path = tmp_path / "signed.pdf"
        path.write_bytes(document.sealed_file.open("rb").read())
        out = _run(path)
    assert f"Document: {document.number} (signed and sealed) Acuerdo 2026, Andes Fibra" in out
    assert f"Signed by: Diego Fuentes <{world.member.email}> at " in out
    original = tmp_path / "original.pdf"
    original.write_bytes(document.current_version.file.open("rb").read())
    with pytest.raises(CommandError):
        _run(original)  # unsigned: not intact, but still recognised
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_pdf", str(original), stdout=out)
    assert "(original, before signing)" in out.getvalue()
