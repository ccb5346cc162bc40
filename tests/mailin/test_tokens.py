"""The reply address's token: short, lowercase, bound to one ticket and one person."""

import pytest

from mailin import tokens


def test_round_trip_and_short_enough_for_a_local_part():
    token = tokens.make(2**40, 2**40)
    assert tokens.read(token) == (2**40, 2**40)
    assert len(f"reply+{token}") <= 64
    assert token == token.lower()


def test_a_lowercased_or_uppercased_token_still_reads():
    token = tokens.make(42, 7)
    assert tokens.read(token.upper()) == (42, 7)


def test_each_ticket_and_person_has_its_own():
    assert tokens.make(1, 2) != tokens.make(1, 3) != tokens.make(2, 2)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),  # the signature altered
        lambda t: "9" + t,  # another ticket, the same signature
        lambda t: t.replace(".", ".1", 1),  # another person
        lambda t: t.split(".", 1)[1],  # a part missing
        lambda t: "",
        lambda t: "x" * 300,
    ],
)
def test_an_altered_token_reads_as_nothing(tamper):
    assert tokens.read(tamper(tokens.make(42, 7))) is None


def test_a_token_of_another_secret_key_is_refused(settings):
    token = tokens.make(42, 7)
    settings.SECRET_KEY = "another-secret-key-0123456789-0123456789-0123456789"
    assert tokens.read(token) is None
    settings.SECRET_KEY_FALLBACKS = ["test-only-secret-key-not-for-production-0123456789abcdef"]
    assert tokens.read(token) == (42, 7)  # rotated: tokens already sent keep working


def test_the_address_comes_from_the_template(settings):
    settings.INBOUND_REPLY_ADDRESS = "reply+{token}@support.example"
    address = tokens.address(42, 7)
    assert address == f"reply+{tokens.make(42, 7)}@support.example"
    assert tokens.find(["someone@else.test", address.upper()]) == tokens.make(42, 7).upper()
    assert tokens.find(["reply+x@other.example"]) is None
    settings.INBOUND_REPLY_ADDRESS = ""
    assert tokens.address(42, 7) is None
    assert tokens.find([address]) is None
