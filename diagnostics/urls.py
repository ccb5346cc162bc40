from django.urls import path

from . import views

app_name = "diagnostics"

urlpatterns = [
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/results.json", views.raw, name="raw"),
]
