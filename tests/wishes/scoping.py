"""The wish URLs of the scoping harness (tests/scoping.py)."""

from tests.scoping import Case


def _wish(w, status="submitted"):
    from tests.wishes.factories import wish_in

    return wish_in(w, status, "Scoped wish", author=None)


def _number(w):
    return {"number": _wish(w).number}


def _draft_of_manager(w):
    from tests.wishes.factories import draft

    return {"number": draft(w, "Scoped draft", author=w.manager).number}


def _refused(w):
    from tests.wishes.factories import wish_in

    wish = wish_in(w, "not_accepted", "Scoped refusal", author=w.manager)
    return {"number": wish.number}


def _attachment(w):
    from core.uploads import CleanUpload
    from tests.wishes.factories import draft
    from wishes import services

    wish = draft(
        w,
        "With file",
        author=w.manager,
        attachments=[CleanUpload(name="plan.txt", content_type="text/plain", data=b"plan")],
    )
    services.wish_submit(wish=wish, by=w.manager)
    return {"number": wish.number, "attachment_id": wish.attachments.get().pk}


def _comment(w, kwargs):
    return {"body": "A question about it"}


def _vote(w, kwargs):
    return {"vote": "1"}


def _mute(w, kwargs):
    return {"muted": "1"}


CASES = [
    Case("wishes:detail", _number),
    Case("wishes:versions", _number),
    Case("wishes:attachment", _attachment),
    Case("wishes:vote", _number, method="post", data=_vote),
    Case("wishes:comment", _number, method="post", data=_comment),
    Case("wishes:mute", _number, method="post", data=_mute),
    Case("wishes:edit", _draft_of_manager),
    Case("wishes:submit", _draft_of_manager, method="post"),
    Case("wishes:delete", _draft_of_manager, method="post"),
    Case("wishes:resubmit", _refused, method="post"),
]
