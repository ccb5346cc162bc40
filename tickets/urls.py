from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("live/", views.ticket_list_live, name="list_live"),
    path("new/", views.ticket_create, name="create"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/live/", views.ticket_live, name="live"),
    path("<str:number>/close/", views.ticket_close, name="close"),
    path("<str:number>/reopen/", views.ticket_reopen, name="reopen"),
    path("<str:number>/escalate/", views.ticket_escalate, name="escalate"),
    path("<str:number>/call/", views.ticket_call, name="call"),
    path("<str:number>/mute/", views.ticket_mute, name="mute"),
    path("<str:number>/rate/", views.ticket_rate, name="rate"),
    path("<str:number>/watchers/", views.watcher_add, name="watcher_add"),
    path(
        "<str:number>/watchers/<int:user_id>/remove/",
        views.watcher_remove,
        name="watcher_remove",
    ),
    path("<str:number>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path(
        "<str:number>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<str:number>/diagram/", views.diagram_save, name="diagram_save"),
    path("<str:number>/diagram/editor/", views.diagram_editor, name="diagram_editor"),
]
