"""A client answers a notification e-mail: a real Celery worker's task reads the reply
from a real IMAP server (Dovecot on loopback) and it appears in the client's thread."""

import pytest
from playwright.sync_api import expect

from mailin.tasks import fetch_mailbox
from tests.e2e.conftest import sign_in
from tests.e2e.worker import wait_until
from tests.factories import PASSWORD
from tests.mailin.dovecot import Dovecot
from tests.mailin.mail import reply
from tests.tickets.factories import open_ticket
from tickets.models import Comment

pytestmark = pytest.mark.e2e

REPLY_ADDRESS = "reply+{token}@support.example"


@pytest.fixture(scope="module")
def dovecot():
    with Dovecot() as server:
        yield server


@pytest.fixture
def worker(start_worker, dovecot, settings, transactional_db):
    settings.INBOUND_REPLY_ADDRESS = REPLY_ADDRESS
    worker = start_worker(INBOUND_EMAIL_URL=dovecot.url, INBOUND_REPLY_ADDRESS=REPLY_ADDRESS)
    mark = worker.mark()
    yield worker
    print("Celery worker output during the test:\n" + worker.output_since(mark))


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def test_a_reply_by_email_appears_in_the_clients_thread(
    live_world, live_server, page, browser_errors, worker, dovecot
):
    from mailin import tokens

    world = live_world
    ticket = open_ticket(world, "Printer offline")
    _login(page, live_server.url, world.member.email)
    page.goto(live_server.url + ticket.get_absolute_url())
    expect(page.get_by_text("Printer offline").first).to_be_visible()

    dovecot.deliver(
        reply(
            to=tokens.address(ticket.pk, world.member.pk),
            sender=world.member.email,
            subject=f"Re: [{ticket.number}] Printer offline",
            body=(
                "It prints again after the restart, thank you.\n\n"
                "On Thu, 5 Dec 2024, Support <support@support.example> wrote:\n"
                "> Could you restart it?"
            ),
        )
    )
    fetch_mailbox.delay()

    comment = wait_until(lambda: Comment.objects.filter(ticket=ticket).first(), timeout=30)
    assert comment is not None, worker.output
    assert comment.data == {"via": "email"}
    page.reload()
    thread = page.locator(f"#comment-{comment.pk}")
    expect(thread).to_contain_text("It prints again after the restart, thank you.")
    expect(thread).not_to_contain_text("Could you restart it?")
    assert "\\Seen" in dovecot.messages()[0][0]
    assert browser_errors == []
