"""The documents URLs of the scoping harness (tests/scoping.py): each object is a
document of `world.org` that its manager is asked to sign (and, for the sealed
file, one the manager signed)."""

from tests.scoping import Case


def _pending(w):
    from tests.signing.factories import sent

    return sent(w, signers=[w.manager])


def _number(w):
    return {"number": _pending(w).number}


def _version(w):
    return {"number": _pending(w).number, "version": 1}


def _page(w):
    return {"number": _pending(w).number, "version": 1, "page_number": 1}


def _signed(w):
    from signing import services
    from tests.signing.factories import sign, with_seal

    document = _pending(w)
    sign(document, w.manager)
    with with_seal():
        services.document_seal(document_id=document.pk)
    return {"number": document.number}


def _sign_form(w, kwargs):
    from tests.factories import PASSWORD

    return {
        "mode": "type",
        "typed_signature": "Camila",
        "typed_name": "Camila Rojas",
        "consent": "on",
        "password": PASSWORD,
        "version": "1",
    }


def _reason(w, kwargs):
    return {"reason": "El precio no es el acordado.", "version": "1"}


CASES = [
    Case("signing:detail", _number),
    Case("signing:sign", _number, method="post", data=_sign_form),
    Case("signing:decline", _number, method="post", data=_reason),
    Case("signing:send_code", _number, method="post"),
    Case("signing:signed", _signed),
    Case("signing:verify_document", _signed),
    Case("signing:original", _version),
    Case("signing:page", _page),
    Case("signing:page_text", _page),
]
