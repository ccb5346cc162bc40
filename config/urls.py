from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import health, metrics
from portal import views as portal_views

admin.site.site_header = _("Support portal administration")
admin.site.site_title = _("Support portal")
admin.site.index_title = _("Work")

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    # Unnamed: probes, not portal pages for the walks of named URLs in the tests.
    path("readyz", health.readyz),
    path("metrics", metrics.metrics),
    path("favicon.ico", portal_views.favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("accounts.urls")),
    path("tickets/", include("tickets.urls")),
    path("contracts/", include("contracts.urls")),
    path("notifications/", include("notifications.urls")),
    path("activity/", include("activity.urls")),
    path("wishes/", include("wishes.urls")),
    path("help/", include("knowledge.urls")),
    path("documents/", include("signing.urls")),
    path("diagnostics/", include("diagnostics.urls")),
    path("resources/", include("inventory.urls")),
    path("surveys/", include("surveys.urls")),
    path("mail/", include("mailin.urls")),
    path("", include("portal.urls")),
]

handler500 = "portal.views.server_error"
