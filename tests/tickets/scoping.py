"""The ticket URLs of the scoping harness (tests/scoping.py)."""

from tests.scoping import Case


def _ticket(w):
    from tests.tickets.factories import open_ticket

    return open_ticket(w, "Scoped", description="Only for org")


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
    from core.uploads import CleanUpload
    from tests.tickets.factories import open_ticket

    ticket = open_ticket(
        w,
        "With file",
        description="See log",
        attachments=[CleanUpload(name="log.txt", content_type="text/plain", data=b"hello")],
    )
    return {"number": ticket.number, "attachment_id": ticket.attachments.get().pk}


def _watcher(w):
    from tickets.services import watcher_add

    ticket = _ticket(w)
    watcher_add(ticket=ticket, user=w.other_member, by=w.member)
    return {"number": ticket.number, "user_id": w.other_member.pk}


CASES = [
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
    Case("tickets:diagram_save", _number, "post", ok=201, data=_diagram),
    Case("tickets:diagram_editor", _number),
]
