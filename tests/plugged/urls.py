from django.urls import path

from . import views

app_name = "plugged"

urlpatterns = [
    path("", views.notices, name="notices"),
    path("<int:organisation_id>/", views.organisation_notices, name="organisation"),
]
