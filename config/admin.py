"""The portal's admin site: agents land on their queue, not on the list of apps.

Django's admin index lists every model; an agent's work is the ticket queue,
filtered as they chose (their default saved view, else the shared "My open":
tickets/queue_views.py). Staff who work tickets (tickets.view_ticket), not
superusers, are sent there from /admin/; `/admin/?apps=1` (linked from the
queue) shows the full index to anyone. Installed as the default site by
config.apps.PortalAdminConfig, so `admin.site` and every app's registration
are unchanged.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import second_factor
from audit.admin_audit import AuditedAdminSite

APPS_PARAM = "apps"


def lands_on_queue(user) -> bool:
    return (
        user.is_active
        and user.is_staff
        and not user.is_superuser
        and user.has_perm("tickets.view_ticket")
    )


class PortalAdminSite(AuditedAdminSite, admin.AdminSite):
    def has_permission(self, request):
        # No admin page for a staff session that has not passed the second step
        # (accounts.middleware.SecondFactorMiddleware sends it to set one up first).
        return super().has_permission(request) and (
            second_factor.is_verified(request)
            or not second_factor.required_for(request.user, getattr(request, "access", None))
        )

    def login(self, request, extra_context=None):
        """One way in: the portal's login, with its throttling and second step."""
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        url = reverse("accounts:login")
        return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: target})}")

    def index(self, request, extra_context=None):
        if not request.GET.get(APPS_PARAM) and lands_on_queue(request.user):
            from tickets import queue_views

            url = reverse("admin:tickets_ticket_changelist", current_app=self.name)
            view = queue_views.default_for(request.user)
            return redirect(f"{url}?view={view.pk}" if view is not None else url)
        return super().index(request, extra_context)
