"""Each kind's attributes are checked, with messages in the reader's language."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.utils import translation

from inventory import attributes, pem


def _errors(kind, data, language="en"):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        attributes.clean(kind, data)
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("cidr", "stored"),
    [
        ("203.0.113.0/24", "203.0.113.0/24"),
        (" 2001:DB8::/48 ", "2001:db8::/48"),
        ("198.51.100.7/32", "198.51.100.7/32"),
    ],
)
def test_a_network_is_stored_in_its_canonical_form(cidr, stored):
    assert attributes.clean("ip_block", {"cidr": cidr}) == {"cidr": stored}


def test_a_network_with_host_bits_names_the_network_it_meant():
    errors = _errors("ip_block", {"cidr": "203.0.113.7/24"})
    assert errors["cidr"] == ["“203.0.113.7/24” has host bits set: the network is 203.0.113.0/24."]


@pytest.mark.parametrize("cidr", ["203.0.113.0/33", "not a network", "2001:db8::/129", "10.0.0"])
def test_a_bad_network_is_refused(cidr):
    assert "CIDR" in _errors("ip_block", {"cidr": cidr})["cidr"][0]


def test_a_block_needs_its_network():
    assert _errors("ip_block", {})["cidr"] == ["This field is required."]


def test_messages_are_in_the_readers_language():
    # Django's own message, translated in every catalog this project ships.
    assert _errors("ip_block", {}, "es")["cidr"] == ["Este campo es obligatorio."]
    assert (
        _errors("licence", {"product": "X", "seats": "0"}, "es")["seats"][0]
        != (_errors("licence", {"product": "X", "seats": "0"}, "en")["seats"][0])
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"vcpu": "0"}, "vcpu"),
        ({"vcpu": "two"}, "vcpu"),
        ({"ram_gb": "-4"}, "ram_gb"),
        ({"ram_gb": "NaN"}, "ram_gb"),
        ({"addresses": "10.0.0.1, 10.0.0.300"}, "addresses"),
    ],
)
def test_virtual_machine_values_are_checked(data, field):
    assert field in _errors("virtual_machine", data)


def test_virtual_machine_addresses_are_a_list_of_addresses():
    cleaned = attributes.clean(
        "virtual_machine", {"vcpu": "4", "ram_gb": "7,5", "addresses": "10.0.0.1  2001:DB8::1"}
    )
    assert cleaned == {"vcpu": 4, "ram_gb": 7.5, "addresses": ["10.0.0.1", "2001:db8::1"]}


def test_hardware_takes_an_address_or_a_host_name_for_management():
    assert attributes.clean("switch", {"management_address": "SW1.Andes.test"}) == {
        "management_address": "sw1.andes.test"
    }
    assert "management_address" in _errors("switch", {"management_address": "sw_1 !"})


def test_dates_are_checked_and_stored_as_iso():
    assert attributes.clean("domain", {"domain": "andes.test", "expires_on": "2027-02-01"}) == {
        "domain": "andes.test",
        "expires_on": "2027-02-01",
    }
    assert "expires_on" in _errors("domain", {"domain": "andes.test", "expires_on": "2027-02-30"})
    assert "domain" in _errors("domain", {"domain": "localhost"})


def test_certificate_names_take_wildcards():
    cleaned = attributes.clean(
        "ssl_certificate",
        {
            "common_name": "andes.test",
            "sans": "*.andes.test, andes.test",
            "expires_on": "2027-01-01",
        },
    )
    assert cleaned["sans"] == ["*.andes.test", "andes.test"]


def test_a_long_text_is_refused_not_cut():
    assert "vendor" in _errors("router", {"vendor": "x" * 101})


def _certificate(common_name="www.andes.test", sans=("andes.test",), days=20):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA Ltd"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Test CA R1"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in (common_name, *sans)]),
            critical=False,
        )
    )
    return builder.sign(key, hashes.SHA256())


def test_a_pem_fills_the_certificates_attributes():
    certificate = _certificate()
    read = pem.read(certificate.public_bytes(serialization.Encoding.PEM))
    assert read["common_name"] == "www.andes.test"
    assert read["sans"] == ["andes.test"]
    assert read["issuer"] == "Test CA Ltd"
    assert read["expires_on"] == certificate.not_valid_after_utc.date().isoformat()
    assert (
        read["fingerprint"].replace(":", "")
        == certificate.fingerprint(hashes.SHA256()).hex().upper()
    )
    # What it read passes the kind's own checks.
    assert attributes.clean("ssl_certificate", read)["common_name"] == "www.andes.test"


def test_a_der_file_is_read_too():
    der = _certificate().public_bytes(serialization.Encoding.DER)
    assert pem.read(der)["common_name"] == "www.andes.test"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
        b"%PDF-1.7 something else",
        b"x" * (pem.MAX_BYTES + 1),
    ],
)
def test_a_bad_pem_is_refused_with_a_message(data):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        pem.read(data)
    assert "certificate" in caught.value.messages[0].lower()


def test_a_certificate_may_cover_addresses_too():
    cleaned = attributes.clean(
        "ssl_certificate",
        {
            "common_name": "vpn.andes.test",
            "sans": "203.0.113.5 2001:DB8::5",
            "expires_on": "2027-01-01",
        },
    )
    assert cleaned["sans"] == ["203.0.113.5", "2001:db8::5"]
