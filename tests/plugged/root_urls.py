"""config/urls.py with the one line the app adds to it."""

from django.urls import include, path

from config.urls import handler500
from config.urls import urlpatterns as portal_urls

urlpatterns = [path("notices/", include("tests.plugged.urls")), *portal_urls]

__all__ = ["handler500", "urlpatterns"]
