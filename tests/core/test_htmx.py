"""core.htmx: the page or its fragment, and always `Vary: HX-Request`."""

import pytest
from django.test import RequestFactory, override_settings
from django_htmx.middleware import HtmxDetails

from core.htmx import render_htmx

PAGE = (
    """<main>{% partialdef items inline %}<ul><li>{{ item }}</li></ul>{% endpartialdef %}</main>"""
)


@pytest.fixture(autouse=True)
def page_template(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    loaders = [
        (
            "template_partials.loader.Loader",
            [("django.template.loaders.filesystem.Loader", [tmp_path])],
        )
    ]
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": loaders, "builtins": ["template_partials.templatetags.partials"]},
    }
    with override_settings(TEMPLATES=[engine]):
        yield


def _request(*, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/page", headers=headers)
    request.htmx = HtmxDetails(request)
    return request


def test_a_plain_request_gets_the_whole_page():
    response = render_htmx(_request(htmx=False), "page.html", {"item": "one"}, partial="items")
    assert response.content.decode() == "<main><ul><li>one</li></ul></main>"
    assert response["Vary"] == "HX-Request"


def test_an_htmx_request_gets_the_fragment():
    response = render_htmx(_request(htmx=True), "page.html", {"item": "one"}, partial="items")
    assert response.content.decode() == "<ul><li>one</li></ul>"
    assert response["Vary"] == "HX-Request"


def test_without_a_partial_the_template_is_rendered_either_way():
    for htmx in (False, True):
        response = render_htmx(_request(htmx=htmx), "page.html", {"item": "two"})
        assert response.content.decode() == "<main><ul><li>two</li></ul></main>"
        assert response["Vary"] == "HX-Request"


def test_the_status_is_passed_on():
    response = render_htmx(_request(htmx=True), "page.html", {}, partial="items", status=400)
    assert response.status_code == 400
    assert render_htmx(_request(htmx=True), "page.html", {}).status_code == 200
