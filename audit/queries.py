"""Reading the audit trail."""

from .models import SECURITY_ACTIONS, AuditEntry


def security_events_for(organisation):
    """The security events an organisation's managers may read, newest first.

    Sign-ins, failed sign-ins, sign-outs, second-factor and password changes of
    the people who were its active members when they happened (a failed sign-in
    counts for the account whose e-mail was tried), and the changes to its team:
    roles, invitations, deactivations. Never another organisation's, never staff's
    own sign-ins, never the admin's other rows.
    """
    return (
        AuditEntry.objects.filter(action__in=SECURITY_ACTIONS)
        .about_organisation(organisation)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
