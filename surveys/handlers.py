"""What surveys do when something happens elsewhere.

A ticket closed: its follow-up survey, in the closing's transaction (a signal of
tickets, below us). A wish done: wishes is a sibling app, so its event is read
from the spine after commit (settings.EVENT_HANDLERS), and the people to ask are
the wish's as its subject declares them; running twice sends once.
"""

from core import plugins

from . import services


def on_ticket_changed(sender, *, ticket, actor, verb, internal, **kwargs):
    if verb == "ticket_closed" and not internal:
        services.after_ticket_closed(ticket)


def on_event(event) -> None:
    if event.verb != "wish_done":
        return
    subject = plugins.subjects().get("wish")
    number = event.data.get("number", "")
    if subject is None or not number:
        return
    wish = subject.load([number]).get(number)
    if wish is None or wish.organisation_id != event.organisation_id:
        return
    people = subject.people(wish)
    if not people:
        return
    from accounts.models import User

    services.after_wish_done(
        organisation=event.organisation,
        wish_number=number,
        people=User.objects.filter(pk__in=people, is_active=True, is_staff=False),
    )
