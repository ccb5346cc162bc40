"""HTML to PDF with WeasyPrint, fetching nothing from elsewhere.

The HTML of a PDF may carry what people wrote (a ticket's subject, a staff-written
document), so WeasyPrint must not follow its URLs: the fetcher serves inline data
and the files of the project's static folder only, and refuses everything else
(file:///etc/passwd, http://, ftp://). Fonts come from the system (DejaVu).
"""

import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings

STATIC_DIR = Path(settings.BASE_DIR) / "static"
# WeasyPrint logs each rendering step at INFO: one PDF is not seven log lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A URL the PDF may not fetch."""


def local_fetcher():
    """A WeasyPrint URL fetcher for inline data and the project's static files."""
    # Imported here: WeasyPrint loads Pango on import, which only a PDF needs.
    from weasyprint.urls import URLFetcher

    static = STATIC_DIR.resolve()

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_relative_to(static):
                    return super().fetch(url, headers)
            raise RefusedURL(f"A PDF fetches nothing from elsewhere: {url[:200]}")

    return LocalOnly(allowed_protocols={"data", "file"}, allow_redirects=False)


def write_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """The PDF of `html` styled by the CSS texts `stylesheets`; relative URLs are static files."""
    from weasyprint import CSS, HTML

    fetcher = local_fetcher()
    base_url = STATIC_DIR.as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    css = [CSS(string=text, base_url=base_url, url_fetcher=fetcher) for text in stylesheets]
    return document.write_pdf(stylesheets=css)
