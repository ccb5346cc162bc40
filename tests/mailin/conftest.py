import pytest

from bench.fake_smtp import FakeSMTP
from mailin import tokens

from .dovecot import Dovecot

REPLY_ADDRESS = "reply+{token}@support.example"
MAILGUN_KEY = "key-mailin-tests"


@pytest.fixture(scope="session")
def dovecot():
    with Dovecot() as server:
        yield server


@pytest.fixture(autouse=True)
def _inbound_settings(settings):
    settings.INBOUND_REPLY_ADDRESS = REPLY_ADDRESS
    settings.INBOUND_MAILGUN_SIGNING_KEY = MAILGUN_KEY
    settings.INBOUND_EMAIL_URL = ""
    settings.INBOUND_EMAIL_MOVE_TO = ""
    settings.INBOUND_EMAIL_DELETE = False


@pytest.fixture
def mailbox(dovecot, settings):
    """The Dovecot mailbox, emptied, as INBOUND_EMAIL_URL."""
    dovecot.empty()
    settings.INBOUND_EMAIL_URL = dovecot.url
    return dovecot


@pytest.fixture(autouse=True)
def smtp(settings):
    """Refusals go to a real SMTP server on loopback."""
    with FakeSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        yield server


def address_for(ticket, user) -> str:
    return tokens.address(ticket.pk, user.pk)
