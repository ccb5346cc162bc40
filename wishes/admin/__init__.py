"""The wishes admin, by subdomain (Django autodiscovers this package).

- queue: the review queue, WishAdmin's changelist (filters, columns, search, bulk moves);
- wish: WishAdmin, the wish page where staff decide, comment and open tickets;
- displays: the read-only parts of the wish page;
- board: the staff board across organisations (columns of states.BOARD), its moves;
- forms: the forms they validate with (the services decide and write);
- ticket_part: the wishes a ticket came from, on the agents' ticket page;
- common: the stylesheet, labels, ages and board positions they share.

Importing wish registers WishAdmin.
"""

from .wish import WishAdmin

__all__ = ["WishAdmin"]
