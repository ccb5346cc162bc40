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
    app's permissions only exist once its own post_migrate has run. A permission
    not created yet is left out. Cheap means one query for all the permissions:
    every flush of a test database runs this once per app, and so does `world`.
    """
    groups = staff_permissions()
    codenames = {perm.split(".")[1] for perms in groups.values() for perm in perms}
    existing = {}
    # Two models of one app may share a codename: the first in Permission's order counts.
    for permission in Permission.objects.filter(codename__in=codenames).select_related(
        "content_type"
    ):
        existing.setdefault(
            f"{permission.content_type.app_label}.{permission.codename}", permission
        )
    for name, perms in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([existing[perm] for perm in perms if perm in existing])
