"""One page, its HTMX fragment: the view names both, this picks one.

A page and its fragment share a URL, so a cache (the browser's, a proxy's) must
keep them apart: every answer that depends on `HX-Request` says so in `Vary`.
"""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_htmx(request, template: str, context=None, *, partial: str | None = None, status=None):
    """`template`, or its inline `partial` (django-template-partials) for an HTMX request.

    Without `partial`, `template` is rendered either way (a view that only answers
    HTMX, or names its fragment itself) and still gets the `Vary` header.
    """
    name = f"{template}#{partial}" if partial and request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
