"""What the portal adds to the shared parts (core/plugins.py): the dashboard, first."""

from django.utils.translation import gettext_lazy

from core.plugins import Area

AREAS = [Area("dashboard", gettext_lazy("Dashboard"), "portal:dashboard", order=10)]
