"""A document from a staff-written template, and its pages as a signer reviews them."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from signing.pdf import render
from signing.pdf.errors import TemplateRefused


def test_compose_escapes_the_values():
    html = render.compose(
        "<p>{{ client }}</p><p>{{ items|join:', ' }}</p>",
        {"client": "<script>alert(1)</script> & Co", "items": ["<b>", "ok"]},
    )
    assert html == ("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p><p>&lt;b&gt;, ok</p>")


@pytest.mark.parametrize(
    "template",
    [
        '{% include "base.html" %}',
        '{% extends "base.html" %}',
        "{% load static %}",
        "{% debug %}",
        "{% autoescape off %}{{ client }}{% endautoescape %}",
        "{{ client|safe }}",
        "{% filter safe %}{{ client }}{% endfilter %}",
        '{% url "portal:home" %}',
        "{% if %}",
    ],
)
def test_compose_reaches_no_other_template_nor_unescaped_output(template):
    with pytest.raises(TemplateRefused) as caught:
        render.compose("<p>Hello</p>\n" + template, {"client": "<b>"})
    assert caught.value.messages[0].startswith("The template has an error on line 2: ")


def test_compose_takes_plain_values_only():
    class Person:
        password = "secret"

    with pytest.raises(TypeError):
        render.compose("{{ person.password }}", {"person": Person()})
    with pytest.raises(TypeError):
        render.compose("{{ people.0 }}", {"people": [{"x": Person()}]})


def test_a_composed_document_is_an_a4_pdf_in_its_language():
    body = render.compose("<h1>{{ t }}</h1><p>Ñandú, acción, été, coração</p>", {"t": "Título"})
    data = render.compose_pdf(body, title="Contrato", language="es")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4, in points
    text = reader.pages[0].extract_text()
    assert "Ñandú, acción, été, coração" in text
    assert "Contrato" in text  # the footer names the document


def test_page_image_is_a_png_of_the_requested_width(original_pdf):
    image = Image.open(io.BytesIO(render.page_image(original_pdf, 1, 800)))
    assert image.format == "PNG"
    assert image.width == 800
    assert abs(image.height - 800 * 841.89 / 595.28) < 1  # A4's proportions
    # Kept within bounds whatever the browser asks.
    assert Image.open(io.BytesIO(render.page_image(original_pdf, 0, 10))).width == 320
    assert Image.open(io.BytesIO(render.page_image(original_pdf, 0, 99999))).width == 1600
    with pytest.raises(IndexError):
        render.page_image(original_pdf, 2, 800)


def test_page_text_reads_one_page(original_pdf):
    assert "cláusula número 2" in render.page_text(original_pdf, 1)
    assert "cláusula número 2" not in render.page_text(original_pdf, 0)
    with pytest.raises(IndexError):
        render.page_text(original_pdf, -1)
