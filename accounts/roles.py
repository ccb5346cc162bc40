"""Staff groups and what they may do in the admin.

Agents answer clients; supervisors also manage organisations, people and
partners. Each app declares the permissions its staff need (STAFF in its
plugin.py, core.plugins); accounts' own are in accounts/plugin.py.
"""

from django.contrib.auth.models import Group, Permission

AGENT = "agent"
SUPERVISOR = "supervisor"


def staff_permissions() -> dict[str, set[str]]:
    """Each staff group's permissions, as the installed apps declare them (STAFF in plugin.py)."""
    from core import plugins

    return plugins.staff_permissions()


def sync_staff_groups(sender=None, **kwargs):
    """Create the staff groups and give each exactly its listed permissions.

    Runs after every app's post_migrate (cheap and idempotent), because each
    app's permissions only exist once its own post_migrate has run.
    """
    for name, perms in staff_permissions().items():
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
