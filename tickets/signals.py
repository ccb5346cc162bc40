"""What tickets announces to the apps above it.

tickets sits below sla and contracts, so it cannot call them: its services send
`ticket_changed` inside their transaction, right after recording the event, and
the apps connect a receiver in their AppConfig.ready() (sla moves the ticket's
clocks). Receivers run synchronously, so what they write commits or rolls back
with the change, as if the service had written it.
"""

from django.dispatch import Signal

# Sent with ticket, actor, verb (the event's) and internal (an internal note or event).
ticket_changed = Signal()
