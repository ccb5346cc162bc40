from django.urls import path, register_converter

from . import views


class MeasurementNumber:
    """NET-2026-00001: anything else is a 404 before a query."""

    regex = r"NET-[0-9]{4}-[0-9]{5,9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MeasurementNumber, "measurement_number")

app_name = "diagnostics"

urlpatterns = [
    path("", views.home, name="home"),
    path("<measurement_number:number>/", views.detail, name="detail"),
    path("<measurement_number:number>/results.json", views.raw, name="raw"),
    path("<measurement_number:number>/results.csv", views.results_csv, name="csv"),
    path("<measurement_number:number>/rerun/", views.rerun, name="rerun"),
    path(
        "<measurement_number:number>/compare/<measurement_number:other>/",
        views.compare,
        name="compare",
    ),
]
