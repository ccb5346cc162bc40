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

STAFF_GROUPS = {
    AGENT: _VIEW_ACCOUNTS,
    SUPERVISOR: [
        *_VIEW_ACCOUNTS,
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
