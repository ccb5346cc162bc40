from django.urls import path

from . import telegram_views, unsubscribe, views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("preferences/", views.preferences_save, name="preferences"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("telegram/link/", telegram_views.link, name="telegram_link"),
    path("telegram/unlink/", telegram_views.unlink, name="telegram_unlink"),
    path("telegram/webhook/", telegram_views.webhook, name="telegram_webhook"),
]
