"""The inventory URLs of the scoping harness (tests/scoping.py): each object is a
resource of `world.org`, which its manager may read, and for the ticket URLs a
ticket of world.org's member that names it."""

from tests.scoping import Case


def _resource(w):
    from tests.inventory.factories import make_resource

    return {"number": make_resource(w.org).number}


def _ticket_resource(w):
    from inventory import services
    from tests.inventory.factories import make_resource
    from tests.tickets.factories import open_ticket

    ticket = open_ticket(w)
    resource = make_resource(w.org)
    services.ticket_resources_add(ticket=ticket, resources=[resource], by=w.member)
    return {"ticket": ticket.number, "number": resource.number}


def _ticket(w):
    from tests.tickets.factories import open_ticket

    return {"ticket": open_ticket(w).number}


def _add_data(w, kwargs):
    from tests.inventory.factories import make_resource

    return {"resource": make_resource(w.org).number}


CASES = [
    Case("inventory:detail", _resource),
    Case("inventory:detail", _resource, insider="member"),
    Case("inventory:ticket_add", _ticket, method="post", data=_add_data),
    Case("inventory:ticket_remove", _ticket_resource, method="post"),
]
