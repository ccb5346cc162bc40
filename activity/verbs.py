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
}
