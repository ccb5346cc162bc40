"""manage.py verify_pdf FILE."""

import io

import pytest
from django.core.management import CommandError, call_command


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
