"""Staff groups and what they may do in the admin.

Agents answer clients; supervisors also manage organisations, people and
partners. Each app adds the permissions its staff need here.
"""

from django.contrib.auth.models import Group, Permission

AGENT = "agent"
SUPERVISOR = "supervisor"

_VIEW_ACCOUNTS = [
    "accounts.view_organisation",
    "accounts.view_user",
    "accounts.view_membership",
    "accounts.view_partner",
    "accounts.view_partnerassignment",
    "accounts.view_invitation",
    "activity.view_event",
]

# Agents work tickets (never delete them: a ticket is closed, its history kept)
# and open one for a client who called or wrote (tickets.services.ticket_open).
_WORK_TICKETS = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.add_comment",
    "tickets.view_comment",
    "tickets.view_attachment",
    "tickets.add_attachment",
    "tickets.view_clienttask",
    "tickets.add_clienttask",
    "tickets.change_clienttask",
    "tickets.view_callrequest",
    "tickets.view_rating",
    "tickets.view_category",
    "tickets.view_requesttype",
    "contracts.view_service",
]

# Whoever works tickets may schedule them: a recurring schedule only opens, on
# a calendar, the ticket an agent could open by hand, with the priority they
# set. Agents pause a schedule (inactive) rather than delete it.
_SCHEDULE_TICKETS = [
    "tickets.view_recurringticket",
    "tickets.add_recurringticket",
    "tickets.change_recurringticket",
]

# Supervisors also shape how tickets are opened and routed, and delete schedules.
_CONFIGURE_TICKETS = [
    "tickets.view_requestsection",
    "tickets.add_requestsection",
    "tickets.change_requestsection",
    "tickets.delete_requestsection",
    "tickets.add_requesttype",
    "tickets.change_requesttype",
    "tickets.delete_requesttype",
    "tickets.view_requesttypefield",
    "tickets.add_requesttypefield",
    "tickets.change_requesttypefield",
    "tickets.delete_requesttypefield",
    "tickets.add_category",
    "tickets.change_category",
    "tickets.delete_category",
    "tickets.view_priorityrule",
    "tickets.add_priorityrule",
    "tickets.change_priorityrule",
    "tickets.delete_priorityrule",
    "tickets.view_ticketpolicy",
    "tickets.add_ticketpolicy",
    "tickets.change_ticketpolicy",
    "tickets.delete_ticketpolicy",
    "tickets.delete_recurringticket",
    "contracts.add_service",
    "contracts.change_service",
    "contracts.delete_service",
]

# Everyone on staff sees the SLA setup, each ticket's clocks and the SLA report
# (the report asks for sla.view_slapolicy).
_VIEW_SLA = [
    "sla.view_businesscalendar",
    "sla.view_workinghours",
    "sla.view_holiday",
    "sla.view_slapolicy",
    "sla.view_slatarget",
    "sla.view_organisationpolicy",
    "sla.view_ticketclock",
    "contracts.view_contract",
]

# Supervisors set the SLAs: calendars, policies, and who gets which (contracts).
# Clocks are moved by sla.services only: nobody edits them in the admin.
_CONFIGURE_SLA = [
    "sla.add_businesscalendar",
    "sla.change_businesscalendar",
    "sla.delete_businesscalendar",
    "sla.add_workinghours",
    "sla.change_workinghours",
    "sla.delete_workinghours",
    "sla.add_holiday",
    "sla.change_holiday",
    "sla.delete_holiday",
    "sla.add_slapolicy",
    "sla.change_slapolicy",
    "sla.delete_slapolicy",
    "sla.add_slatarget",
    "sla.change_slatarget",
    "sla.delete_slatarget",
    "sla.add_organisationpolicy",
    "sla.change_organisationpolicy",
    "sla.delete_organisationpolicy",
    "contracts.add_contract",
    "contracts.change_contract",
    "contracts.delete_contract",
]

# Agents log time on tickets and follow the hours banks and objectives. Who may
# correct an entry, and until when, is contracts.services.can_edit (its author or
# a supervisor, for TIME_ENTRY_EDIT_DAYS); nobody deletes one: the history is kept.
_LOG_TIME = [
    "contracts.view_timeentry",
    "contracts.add_timeentry",
    "contracts.change_timeentry",
    "contracts.view_timeentryrevision",
    "contracts.view_bankperiod",
    "contracts.view_objective",
]

# Supervisors set a contract's objectives and their progress by hand (the hours
# bank fields are on the contract: contracts.change_contract, above).
_MANAGE_OBJECTIVES = [
    "contracts.add_objective",
    "contracts.change_objective",
    "contracts.delete_objective",
]

# Everyone on staff sees what was sent to whom, on which channel, and why a
# delivery failed (notifications, webhook deliveries, Telegram links, preferences).
_VIEW_NOTIFICATIONS = [
    "notifications.view_notification",
    "notifications.view_webhookdelivery",
    "notifications.view_telegramlink",
    "notifications.view_preference",
]

# Supervisors send failed deliveries again (the admin's only change to them: the
# change permission, the forms stay read-only) and manage the organisations'
# webhook endpoints, whose signing secrets agents never see.
_MANAGE_NOTIFICATIONS = [
    "notifications.change_notification",
    "notifications.change_webhookdelivery",
    "notifications.view_webhookendpoint",
    "notifications.add_webhookendpoint",
    "notifications.change_webhookendpoint",
    "notifications.delete_webhookendpoint",
]

STAFF_GROUPS = {
    AGENT: [
        *_VIEW_ACCOUNTS,
        *_WORK_TICKETS,
        *_SCHEDULE_TICKETS,
        *_VIEW_SLA,
        *_LOG_TIME,
        *_VIEW_NOTIFICATIONS,
    ],
    SUPERVISOR: [
        *_VIEW_ACCOUNTS,
        *_WORK_TICKETS,
        *_SCHEDULE_TICKETS,
        *_CONFIGURE_TICKETS,
        *_VIEW_SLA,
        *_CONFIGURE_SLA,
        *_LOG_TIME,
        *_MANAGE_OBJECTIVES,
        *_VIEW_NOTIFICATIONS,
        *_MANAGE_NOTIFICATIONS,
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.add_partner",
        "accounts.change_partner",
        "accounts.add_partnerassignment",
        "accounts.change_partnerassignment",
        "accounts.delete_partnerassignment",
        "accounts.change_invitation",
    ],
}


def sync_staff_groups(sender=None, **kwargs):
    """Create the staff groups and give each exactly its listed permissions.

    Runs after every app's post_migrate (cheap and idempotent), because each
    app's permissions only exist once its own post_migrate has run.
    """
    for name, perms in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None:
                continue
            wanted.append(found)
        group.permissions.set(wanted)
