"""A document to sign from a staff-written template, and its pages as the signer reviews them.

compose() renders the body template with its own Django template engine: no
loaders (nothing to include or extend), no {% load %}, no {% debug %}, nothing
that turns autoescaping off, and a context of plain values only (never a model,
whose methods a template could call). The client's name in a contract is data,
never markup. html_to_pdf() fetches nothing from elsewhere (core.pdf).
"""

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.template import (
    Context,
    Engine,
    Library,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core import i18n
from core import pdf as core_pdf

from .checks import PDFIUM_LOCK
from .errors import TemplateRefused

# Tags and filters a body template may not use: they reach other templates or
# template libraries, print the context and the loaded modules, or mark text safe.
# ({% include %}, {% extends %} and {% block %} are loader tags, left out altogether.)
# {% querystring %} needs a request the context never has; {% now %} and {% lorem %}
# print what staff did not write.
BLOCKED_TAGS = {"load", "debug", "autoescape", "url", "csrf_token", "querystring", "now", "lorem"}
BLOCKED_FILTERS = {"safe", "safeseq"}
PLAIN_TYPES = (str, int, float, bool, Decimal, dt.date, dt.datetime, dt.time, type(None))
PAGE_IMAGE_MIN_WIDTH = 320
PAGE_IMAGE_MAX_WIDTH = 1600
# A very long page (a receipt roll) is drawn no taller than this many pixels.
PAGE_IMAGE_MAX_HEIGHT = 6000


def _library() -> Library:
    library = Library()
    library.tags.update(
        {k: v for k, v in defaulttags.register.tags.items() if k not in BLOCKED_TAGS}
    )
    library.filters.update(
        {k: v for k, v in defaultfilters.register.filters.items() if k not in BLOCKED_FILTERS}
    )
    return library


def _engine() -> Engine:
    # debug=True only so that a syntax error knows its line.
    engine = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=True, debug=True)
    engine.template_builtins = [_library()]
    engine.template_libraries = {}
    return engine


ENGINE = _engine()


def _check_plain(value, path="context"):
    if isinstance(value, PLAIN_TYPES):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            _check_plain(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for number, item in enumerate(value):
            _check_plain(item, f"{path}[{number}]")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not a plain value")


def compose(template_text: str, context: dict) -> str:
    """The HTML of a staff-written body template with plain values; TemplateRefused if broken."""
    _check_plain(context)
    try:
        template = ENGINE.from_string(template_text)
        return template.render(Context(context, autoescape=True))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        line = getattr(error, "template_debug", {}).get("line")
        if line is None:
            raise TemplateRefused(
                _("The template has an error: %(error)s"),
                code="template",
                params={"error": str(error)},
            ) from error
        raise TemplateRefused(
            _("The template has an error on line %(line)s: %(error)s"),
            code="template",
            params={"line": line, "error": str(error)},
        ) from error
    except Exception as error:  # a filter that fails on its value: 5|divisibleby:0
        raise TemplateRefused(
            _("The template has an error: %(error)s"),
            code="template",
            params={"error": f"{type(error).__name__}: {error}"},
        ) from error


def html_to_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """WeasyPrint's PDF of `html`, fetching only inline data and the project's static files."""
    return core_pdf.write_pdf(html, stylesheets=stylesheets)


def compose_pdf(body_html: str, *, title: str, language: str) -> bytes:
    """A composed body (compose()) laid out as an A4 document in its language."""
    with i18n.override(language):
        context = {"title": title, "body": body_html, "language": i18n.language_for(language)}
        html = render_to_string("signing/pdf/document.html", context)
        css = render_to_string("signing/pdf/document.css")
    return html_to_pdf(html, stylesheets=[css])


def page_image(data: bytes, index: int, width: int) -> bytes:
    """Page `index` (from 0) of a PDF as a PNG `width` pixels wide (kept within 320..1600)."""
    import pypdfium2 as pdfium
    from PIL import Image

    width = max(PAGE_IMAGE_MIN_WIDTH, min(PAGE_IMAGE_MAX_WIDTH, int(width)))
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            # Form fields drawn with their values, as the sealed file will show them.
            document.init_forms()
            if not 0 <= index < len(document):
                raise IndexError(f"The PDF has no page {index}")
            page = document[index]
            page_width, page_height = page.get_size()
            scale = width / page_width
            if page_height * scale > PAGE_IMAGE_MAX_HEIGHT:
                scale = PAGE_IMAGE_MAX_HEIGHT / page_height
            bitmap = page.render(scale=scale, may_draw_forms=True)
            image = bitmap.to_pil()
            page.close()
        finally:
            document.close()
    size = (max(1, round(page_width * scale)), max(1, round(page_height * scale)))
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


def page_text(data: bytes, index: int) -> str:
    """The text of page `index` (from 0), for screen readers beside its image."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if not 0 <= index < len(reader.pages):
        raise IndexError(f"The PDF has no page {index}")
    return reader.pages[index].extract_text() or ""
