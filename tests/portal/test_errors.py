import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from portal.views import server_error


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Page not found"), ("es", "Página no encontrada"), ("fr", "Page introuvable")],
)
def test_404_in_portal_style_and_user_language(client, world, language, text):
    world.member.language = language
    world.member.save()
    client.force_login(world.member)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert text in body
    assert "css/portal.css" in body


def test_403_page_explains(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post(reverse("accounts:language_switch"), {"language": "fr"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()
    assert "css/portal.css" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong"), ("pt", "Algo deu errado")]
)
def test_500_page_in_the_active_language(db, language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()
