from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/live/", views.contract_live, name="live"),
    path("<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("<int:pk>/statement.csv", views.statement_csv, name="statement_csv"),
]
