"""What accounts announces to the apps above it.

accounts sits below activity, so it cannot record events itself: its services
send `team_changed` inside their transaction and activity records the event
(activity.apps). Receivers run synchronously, so the event commits or rolls back
with the change, as if the service had written it.
"""

from django.dispatch import Signal

# Sent with organisation, actor, verb, target and data (record_event's arguments).
team_changed = Signal()
