from django.urls import path

from . import views

app_name = "mailin"
urlpatterns = [
    # Mailgun posts the raw message only to a URL that ends in "mime".
    path("mailgun/mime", views.mailgun, name="mailgun"),
]
