"""The surveys URLs of the scoping harness (tests/scoping.py): each object is an
invitation of world.org's manager (an invitation is its person's alone)."""

from tests.scoping import Case


def _invitation(w):
    from surveys import services
    from surveys.models import Audience
    from tests.surveys.factories import make_form

    sending = services.send(form=make_form(), organisation=w.org, audience=Audience.MANAGERS)
    return {"token": sending.invitations.get(user=w.manager).token}


def _shared_form(w):
    from surveys import services
    from surveys.models import Audience
    from tests.surveys.factories import make_form

    form = make_form(shared_with_client=True)
    services.send(form=form, organisation=w.org, audience=Audience.MANAGERS)
    return {"form_id": form.pk}


CASES = [Case("surveys:answer", _invitation), Case("surveys:results", _shared_form)]
