"""The scoping harness: every portal URL that carries an object id, and how to
build an object for it inside `world.org`.

Each app adds its URLs to CASES. tests/test_scoping.py checks that every
portal URL with a parameter is listed here (or in CAPABILITY_URLS with a
reason), and that each one is a 404 for a manager of another organisation and
for a partner not assigned to `world.org`, and a login redirect for anonymous.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.factories import InvitationFactory


def _ticket(w):
    from tickets.services import ticket_open

    return ticket_open(
        organisation=w.org, requester=w.member, subject="Scoped", description="Only for org"
    )


def _number(w):
    return {"number": _ticket(w).number}


def _resolved(w):
    from tickets.services import ticket_transition
    from tickets.states import Status

    ticket = _ticket(w)
    ticket_transition(ticket=ticket, to=Status.RESOLVED, by=w.agent)
    return {"number": ticket.number}


def _diagram(w, kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.tickets.test_drawio import drawio_svg, mxfile

    svg = drawio_svg(mxfile(compressed=True))
    return {"name": "network", "file": SimpleUploadedFile("d.drawio.svg", svg, "image/svg+xml")}


def _task(w):
    from tickets.services import client_task_add

    ticket = _ticket(w)
    task = client_task_add(
        ticket=ticket, title="Do it", details="", due_date=None, assignee=None, by=w.agent
    )
    return {"number": ticket.number, "task_id": task.pk}


def _attachment(w):
    from tickets.attachments import CleanUpload
    from tickets.services import ticket_open

    ticket = ticket_open(
        organisation=w.org,
        requester=w.member,
        subject="With file",
        description="See log",
        attachments=[CleanUpload(name="log.txt", content_type="text/plain", data=b"hello")],
    )
    return {"number": ticket.number, "attachment_id": ticket.attachments.get().pk}


def _watcher(w):
    from tickets.services import watcher_add

    ticket = _ticket(w)
    watcher_add(ticket=ticket, user=w.other_member, by=w.member)
    return {"number": ticket.number, "user_id": w.other_member.pk}


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable  # (world) -> reverse() kwargs for an object of world.org
    method: str = "get"
    # The persona for whom the URL is in scope: proves the 404s are not an accident.
    insider: str = "manager"
    # What the insider's request answers when it works: a page (200), or the
    # redirect a plain form POST gets (302). Anything else, a 400 or a 500 included,
    # means the harness proved nothing about the 404s.
    ok: int | None = None
    # The form a POST sends so that it succeeds: (world, kwargs) -> POST data.
    data: Callable | None = None

    @property
    def expected(self) -> int:
        if self.ok is not None:
            return self.ok
        return 302 if self.method == "post" else 200


CASES = [
    Case("accounts:organisation_switch", lambda w: {"organisation_id": w.org.pk}, "post"),
    Case(
        "accounts:member_role",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
        data=lambda w, kw: {"role": "manager"},
    ),
    Case(
        "accounts:member_deactivate",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
    ),
    Case(
        "accounts:member_reactivate",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
    ),
    Case(
        "accounts:invitation_revoke",
        lambda w: {"invitation_id": InvitationFactory(organisation=w.org).pk},
        "post",
    ),
]

CASES += [
    Case("tickets:detail", _number),
    Case("tickets:live", _number),
    Case("tickets:close", _resolved, "post"),
    Case("tickets:reopen", _resolved, "post"),
    Case("tickets:escalate", _number, "post", data=lambda w, kw: {"reason": "Down since 9"}),
    Case(
        "tickets:call",
        _number,
        "post",
        data=lambda w, kw: {"phone": "+54 11 5555 0000", "preferred_time": "Mañana"},
    ),
    Case("tickets:mute", _number, "post", data=lambda w, kw: {"muted": "1"}),
    Case("tickets:rate", _resolved, "post", data=lambda w, kw: {"score": "5", "comment": "ok"}),
    Case("tickets:watcher_add", _number, "post", data=lambda w, kw: {"user": w.other_member.pk}),
    Case("tickets:watcher_remove", _watcher, "post"),
    Case("tickets:task_done", _task, "post"),
    Case("tickets:attachment", _attachment),
]

CASES += [
    Case("tickets:diagram_save", _number, "post", ok=201, data=_diagram),
    Case("tickets:diagram_editor", _number),
]

# URLs whose parameter is an unguessable signed token rather than an object id:
# whoever holds the link may open it, so the harness cannot demand a 404.
CAPABILITY_URLS = {
    "accounts:invitation_accept": "signed invitation link (tested in tests/accounts)",
    "accounts:password_reset_confirm": "Django's signed password reset link",
    "notifications:unsubscribe": "signed mute link of one person and ticket "
    "(tests/notifications/test_unsubscribe.py: tampered and foreign links are 404)",
}


def _contract(w):
    from datetime import date
    from decimal import Decimal

    from contracts.models import BankKind, Contract

    contract = Contract.objects.create(
        organisation=w.org,
        name="Scoped bank",
        start_date=date(2026, 1, 1),
        bank_kind=BankKind.MONTHLY,
        bank_hours=Decimal("10"),
    )
    return {"pk": contract.pk}


# Contracts are for managers and partners; tests/contracts/test_views.py checks
# that a plain member of the organisation gets the same 404.
CASES += [
    Case("contracts:detail", _contract),
    Case("contracts:live", _contract),
    Case("contracts:statement_pdf", _contract),
    Case("contracts:statement_csv", _contract),
]


def _notification(w):
    from activity.services import record_event
    from notifications.models import DeliveryStatus, Notification

    event = record_event(
        organisation=w.org,
        actor=w.member,
        verb="member_joined",
        data={"member": "Diego", "role": "member"},
    )
    notification = Notification.objects.create(
        event=event, user=w.manager, channel="portal", status=DeliveryStatus.SENT
    )
    return {"pk": notification.pk}


# A notification is its recipient's alone: anyone else gets a 404, even inside
# the organisation (tests/notifications/test_centre.py checks the other members).
CASES += [
    # Opening a notification marks it read and sends the reader to its target.
    Case("notifications:open", _notification, ok=302),
    Case("notifications:read", _notification, "post"),
]
