import pytest
from django.utils import translation

from tests.tickets.secret_cases import CASES
from tickets.secrets import find_secrets, rules_json


@pytest.mark.parametrize(("text", "secret"), CASES)
def test_the_server_check(text, secret):
    assert bool(find_secrets(text)) is secret


def test_a_card_number_is_named_as_such():
    with translation.override("en"):
        assert find_secrets("4111 1111 1111 1111") == ["a card number"]


def test_the_rules_reach_the_page_as_json():
    script = rules_json()
    assert script.startswith('<script id="secret-rules" type="application/json">')
    assert "[0-9][ -]?" in script
