"""Every event verb, with how a person reads it.

One table for the whole portal: an app adds its verbs here, so the feed, the
notifications and the tests all see the same list. A template may use the
actor's name as %(actor)s and any key of the event's data.
"""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "member_invited": _("%(actor)s invited %(email)s to join as %(role)s"),
    "member_joined": _("%(actor)s joined the organisation"),
    "member_role_changed": _("%(actor)s made %(member)s a %(role)s"),
    "member_deactivated": _("%(actor)s deactivated %(member)s"),
    "member_reactivated": _("%(actor)s reactivated %(member)s"),
    # Tickets. %(number)s and %(subject)s are in every ticket event's data.
    "ticket_opened": _("%(actor)s opened %(number)s: %(subject)s"),
    "ticket_replied": _("%(actor)s replied on %(number)s"),
    "ticket_note_added": _("%(actor)s added an internal note on %(number)s"),
    "ticket_status_changed": _("%(actor)s moved %(number)s to %(status)s"),
    "ticket_priority_changed": _("%(actor)s set the priority of %(number)s to %(priority)s"),
    "ticket_assigned": _("%(actor)s assigned %(number)s to %(assignee)s"),
    "ticket_escalated": _("%(actor)s escalated %(number)s"),
    "ticket_call_requested": _("%(actor)s asked for a call about %(number)s"),
    "ticket_watcher_added": _("%(actor)s added %(watcher)s to %(number)s"),
    "ticket_watcher_removed": _("%(actor)s removed %(watcher)s from %(number)s"),
    "ticket_resolved": _("%(actor)s resolved %(number)s"),
    "ticket_closed": _("%(actor)s closed %(number)s"),
    "ticket_auto_closed": _("%(number)s was closed after %(days)s days without a reply"),
    "ticket_reopened": _("%(actor)s reopened %(number)s"),
    "ticket_rated": _("%(actor)s rated the support on %(number)s"),
    "ticket_merged": _("%(actor)s merged %(number)s into %(into)s"),
    "attachment_added": _("%(actor)s attached %(name)s to %(number)s"),
    "client_task_added": _("%(actor)s asked for: %(title)s (%(number)s)"),
    "client_task_done": _("%(actor)s completed: %(title)s (%(number)s)"),
    "sla_warning": _("%(number)s is close to its %(kind)s deadline"),
    "sla_breached": _("%(number)s missed its %(kind)s deadline"),
    "time_logged": _("%(actor)s logged %(minutes)s minutes on %(number)s"),
    "time_entry_changed": _("%(actor)s corrected a time entry on %(number)s"),
    "hours_bank_80": _("80%% of the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
    "hours_bank_100": _("All the hours of %(contract)s are used (%(used)s of %(allowance)s h)"),
    "recurring_ticket_opened": _("%(number)s was opened from a recurring schedule: %(subject)s"),
}
