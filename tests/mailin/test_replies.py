"""Replies by e-mail, read from a real IMAP mailbox (Dovecot on loopback): a reply
lands on its ticket once; anything else is refused politely, or ignored."""

import threading

import pytest
from django.db import connection

from mailin import imap, services, tokens
from mailin.models import InboundMail, Outcome, Reason
from tests.tickets.factories import open_ticket
from tickets import services as ticket_services
from tickets.models import Attachment, Comment

from .conftest import address_for
from .mail import reply

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def fetch(mailbox, django_capture_on_commit_callbacks):
    """The beat job's work, its after-commit refusals sent."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return imap.poll()

    return run


def _replies(ticket):
    return list(Comment.objects.filter(ticket=ticket, verb="").exclude(data={}))


def test_a_clients_reply_lands_on_its_ticket_once_marked_as_by_email(
    world, ticket, mailbox, fetch, smtp
):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender="Diego <MEMBER@andes.test>",  # the address in another case
            body=(
                "Thanks, it works again.\n\n"
                "On Thu, 5 Dec 2024, Ana Agent <s@support.example> wrote:\n> Restart it"
            ),
        )
    )

    assert fetch() == 1

    [comment] = Comment.objects.filter(ticket=ticket)
    assert comment.author == world.member
    assert comment.body == "Thanks, it works again."
    assert comment.data == {"via": "email"}
    assert not comment.is_internal
    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.comment, mail.ticket) == (Outcome.REPLIED, comment, ticket)
    [(flags, _raw)] = mailbox.messages()
    assert "\\Seen" in flags
    assert smtp.messages == []


def test_the_job_run_twice_adds_one_reply(world, ticket, mailbox, fetch):
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.member.email))
    assert fetch() == 1
    # Even were the message still unseen, its row says it was handled.
    client = mailbox.client()
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "(\\Seen)")
    client.logout()

    assert fetch() == 0
    assert Comment.objects.filter(ticket=ticket).count() == 1
    assert "\\Seen" in mailbox.messages()[0][0]


def test_a_crash_after_the_reply_before_the_flag_adds_nothing_the_next_time(
    world, ticket, mailbox, fetch
):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email)
    mailbox.deliver(raw)
    # The first run wrote the reply, then died before telling the mailbox.
    services.receive(raw, source="imap")

    assert fetch() == 0
    assert Comment.objects.filter(ticket=ticket).count() == 1
    assert "\\Seen" in mailbox.messages()[0][0]


def test_a_message_without_message_id_is_known_by_its_bytes(world, ticket):
    raw = reply(to=address_for(ticket, world.member), sender=world.member.email)
    raw = b"\r\n".join(line for line in raw.split(b"\r\n") if not line.startswith(b"Message-ID"))
    raw = b"\n".join(line for line in raw.split(b"\n") if not line.startswith(b"Message-ID"))
    assert services.receive(raw, source="imap").outcome == Outcome.REPLIED
    assert services.receive(raw, source="imap") is None
    assert InboundMail.objects.get().key.startswith("sha256:")


@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_add_one_reply(world, mailbox):
    ticket = open_ticket(world)
    for number in range(3):
        mailbox.deliver(
            reply(
                to=address_for(ticket, world.member),
                sender=world.member.email,
                body=f"Reply {number}",
            )
        )
    counts, errors = [], []
    start = threading.Barrier(2)

    def job():
        try:
            start.wait()
            counts.append(imap.poll())
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(counts) == 3
    bodies = sorted(Comment.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert bodies == ["Reply 0", "Reply 1", "Reply 2"]
    assert InboundMail.objects.count() == 3


def test_a_forged_token_is_refused_politely_with_no_reply(world, ticket, mailbox, fetch, smtp):
    token = tokens.make(ticket.pk, world.member.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    mailbox.deliver(
        reply(to=f"reply+{forged}@support.example", sender=world.member.email, subject="Hi")
    )

    fetch()

    assert Comment.objects.filter(ticket=ticket).count() == 0
    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason, mail.bounce_sent) == (
        Outcome.BOUNCED,
        Reason.BAD_TOKEN,
        True,
    )
    [bounce] = smtp.messages
    assert bounce.rcpt_tos == (world.member.email,)
    assert bounce["Auto-Submitted"] == "auto-replied"
    assert "not valid" in bounce.text
    assert "Hi" in bounce.text


def test_a_token_of_another_ticket_is_refused(world, ticket, mailbox, fetch):
    other = open_ticket(world, "Another one")
    token = tokens.make(other.pk, world.member.pk)
    # This ticket's id with the other ticket's signature.
    spliced = ".".join([tokens.make(ticket.pk, 1).split(".")[0], *token.split(".")[1:]])
    mailbox.deliver(reply(to=f"reply+{spliced}@support.example", sender=world.member.email))

    fetch()

    assert Comment.objects.count() == 0
    assert InboundMail.objects.get().reason == Reason.BAD_TOKEN


def test_another_recipients_token_is_refused_and_they_are_told(world, ticket, mailbox, fetch, smtp):
    # The watcher forwards the member's notification and answers it from their own address.
    ticket_services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.other_member.email))

    fetch()

    assert Comment.objects.filter(ticket=ticket).count() == 0
    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason) == (Outcome.BOUNCED, Reason.WRONG_SENDER)
    [bounce] = smtp.messages
    assert bounce.rcpt_tos == (world.other_member.email,)


def test_someone_who_no_longer_sees_the_ticket_is_refused(world, ticket, mailbox, fetch):
    # A token made for the other member, who is neither its requester nor a watcher.
    mailbox.deliver(
        reply(to=address_for(ticket, world.other_member), sender=world.other_member.email)
    )
    fetch()
    assert Comment.objects.filter(ticket=ticket).count() == 0
    assert InboundMail.objects.get().reason == Reason.NOT_ALLOWED


def test_a_deactivated_person_is_refused(world, ticket, mailbox, fetch):
    world.member.is_active = False
    world.member.save()
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.member.email))
    fetch()
    assert Comment.objects.filter(ticket=ticket).count() == 0
    assert InboundMail.objects.get().reason == Reason.NOT_ALLOWED


def test_a_merged_ticket_refuses_with_its_own_words(world, ticket, mailbox, fetch, smtp):
    survivor = open_ticket(world, "The same router")
    ticket_services.ticket_merge(source=ticket, target=survivor, by=world.agent)
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.member.email))

    fetch()

    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason) == (Outcome.BOUNCED, Reason.REFUSED)
    assert survivor.number in mail.detail
    assert not Comment.objects.filter(data__via="email").exists()
    [bounce] = smtp.messages
    assert mail.detail in bounce.text


def test_an_unknown_sender_without_a_token_is_told_once_an_hour_in_english(
    world, mailbox, fetch, smtp
):
    for number in range(2):
        mailbox.deliver(
            reply(to="support@support.example", sender="stranger@else.test", subject=f"Q{number}")
        )

    fetch()

    assert [m.outcome for m in InboundMail.objects.all()] == [Outcome.BOUNCED] * 2
    assert [m.reason for m in InboundMail.objects.all()] == [Reason.NO_TOKEN] * 2
    [bounce] = smtp.messages  # the second refusal is not sent: no backscatter
    assert bounce.rcpt_tos == ("stranger@else.test",)
    assert "reply to one of its notification e-mails" in bounce.text
    assert sorted(m.bounce_sent for m in InboundMail.objects.all()) == [False, True]


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"Precedence": "bulk"},
        {"Precedence": "auto_reply"},
        {"Precedence": "list"},
        {"Precedence": "junk"},
    ],
    ids=lambda headers: "-".join(f"{k}:{v}" for k, v in headers.items()),
)
def test_auto_replies_are_ignored_and_never_answered(world, ticket, mailbox, fetch, smtp, headers):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            subject="Out of office",
            headers=headers,
        )
    )

    fetch()

    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason) == (Outcome.IGNORED, Reason.AUTO)
    assert Comment.objects.filter(ticket=ticket).count() == 0
    assert smtp.messages == []
    assert "\\Seen" in mailbox.messages()[0][0]


def test_auto_submitted_no_is_a_person(world, ticket, mailbox, fetch):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            headers={"Auto-Submitted": "no"},
        )
    )
    fetch()
    assert InboundMail.objects.get().outcome == Outcome.REPLIED


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.else.test", "postmaster@else.test"])
def test_delivery_reports_are_never_answered(mailbox, fetch, smtp, sender):
    mailbox.deliver(reply(to="reply+nonsense@support.example", sender=sender))
    fetch()
    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason) == (Outcome.IGNORED, Reason.DAEMON)
    assert smtp.messages == []


def test_our_own_message_coming_back_is_ignored(world, ticket, mailbox, fetch, smtp):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            message_id="<notification-12.34@testserver>",
        )
    )
    fetch()
    mail = InboundMail.objects.get()
    assert (mail.outcome, mail.reason) == (Outcome.IGNORED, Reason.LOOP)
    assert Comment.objects.count() == 0
    assert smtp.messages == []


def test_an_agents_reply_is_a_public_reply(world, ticket, mailbox, fetch):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.agent),
            sender=world.agent.email,
            body="Please restart the router.\n\n-- \nAna Agent\nSupport",
        )
    )

    fetch()

    [comment] = Comment.objects.filter(ticket=ticket)
    assert (comment.author, comment.is_internal, comment.body) == (
        world.agent,
        False,
        "Please restart the router.",
    )
    assert comment.data == {"via": "email"}
    ticket.refresh_from_db()
    assert ticket.public_reply_count == 1


def test_an_html_only_reply_becomes_text(world, ticket, mailbox, fetch):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            body=None,
            html=(
                "<div>It <b>works</b> &amp; thanks.<script>alert(1)</script></div>"
                '<div class="gmail_quote">On Thu, 5 Dec 2024, Ana wrote:'
                "<blockquote>Restart it</blockquote></div>"
            ),
        )
    )
    fetch()
    assert Comment.objects.get(ticket=ticket).body == "It works & thanks."


def test_a_refused_attachment_is_not_stored_and_the_sender_is_told(
    world, ticket, mailbox, fetch, smtp
):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            body="Photo and the tool attached.",
            files=[
                ("photo.png", PNG, "image", "png"),
                ("tool.exe", b"MZ\x90\x00binary", "application", "octet-stream"),
            ],
        )
    )

    fetch()

    comment = Comment.objects.get(ticket=ticket)
    assert comment.body == "Photo and the tool attached."
    assert list(Attachment.objects.filter(ticket=ticket).values_list("name", flat=True)) == [
        "photo.png"
    ]
    mail = InboundMail.objects.get()
    assert mail.outcome == Outcome.REPLIED
    assert [item["name"] for item in mail.refused_files] == ["tool.exe"]
    [notice] = smtp.messages
    assert notice.rcpt_tos == (world.member.email,)
    assert "tool.exe" in notice.text
    assert ticket.number in notice["Subject"]


def test_only_refused_files_and_no_words_is_refused(world, ticket, mailbox, fetch, smtp):
    mailbox.deliver(
        reply(
            to=address_for(ticket, world.member),
            sender=world.member.email,
            body="\n\n-- \nDiego",
            files=[("tool.exe", b"MZ\x90\x00binary", "application", "octet-stream")],
        )
    )
    fetch()
    assert Comment.objects.filter(ticket=ticket).count() == 0
    assert InboundMail.objects.get().reason == Reason.EMPTY
    [bounce] = smtp.messages
    assert "tool.exe" in bounce.text


def test_processed_mail_is_moved_when_asked(world, ticket, mailbox, fetch, settings):
    mailbox.create("Processed")
    mailbox.empty("Processed")
    settings.INBOUND_EMAIL_MOVE_TO = "Processed"
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.member.email))

    fetch()

    assert mailbox.messages() == []
    [(flags, _raw)] = mailbox.messages("Processed")
    assert "\\Seen" in flags


def test_processed_mail_is_deleted_when_asked(world, ticket, mailbox, fetch, settings):
    settings.INBOUND_EMAIL_DELETE = True
    mailbox.deliver(reply(to=address_for(ticket, world.member), sender=world.member.email))
    fetch()
    assert mailbox.messages() == []
    assert Comment.objects.filter(ticket=ticket).count() == 1


def test_no_mailbox_no_work(settings):
    settings.INBOUND_EMAIL_URL = ""
    assert imap.poll() == 0


def test_junk_bytes_never_raise(world):
    for raw in (b"", b"\x00\xff" * 50, b"From: <<<\r\nTo: ;;;\r\n\r\n", b"Subject: =?x?q?\r\n"):
        mail = services.receive(raw, source="webhook")
        assert mail.outcome in (Outcome.IGNORED, Outcome.BOUNCED)
    assert Comment.objects.count() == 0
