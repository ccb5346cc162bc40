from django.urls import path, register_converter

from . import views
from .models import NUMBER_PATTERN


class ResourceNumber:
    """RES-2026-00001: anything else is a 404 before a query."""

    regex = NUMBER_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ResourceNumber, "resource_number")

app_name = "inventory"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("resources.csv", views.resource_csv, name="csv"),
    path("pick/", views.pick, name="pick"),
    path("<resource_number:number>/", views.resource_detail, name="detail"),
    path("ticket/<ticket:ticket>/add/", views.ticket_add, name="ticket_add"),
    path(
        "ticket/<ticket:ticket>/remove/<resource_number:number>/",
        views.ticket_remove,
        name="ticket_remove",
    ),
]
