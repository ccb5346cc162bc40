from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site (config/admin.py) as `admin.site`."""

    default_site = "config.admin.PortalAdminSite"
