from django.urls import path, register_converter

from . import views


class TicketNumberConverter:
    # Only what a ticket number can contain: anything else (a NUL byte, which
    # PostgreSQL refuses) is a plain 404 before a view runs.
    regex = "[A-Za-z0-9-]{1,40}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TicketNumberConverter, "ticket")

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("live/", views.ticket_list_live, name="list_live"),
    path("new/", views.ticket_create, name="create"),
    # Before the <ticket:...> routes, whose converter would take "new" for a number.
    path("new/diagram/editor/", views.diagram_editor_new, name="diagram_editor_new"),
    path("<ticket:number>/", views.ticket_detail, name="detail"),
    path("<ticket:number>/live/", views.ticket_live, name="live"),
    path("<ticket:number>/close/", views.ticket_close, name="close"),
    path("<ticket:number>/reopen/", views.ticket_reopen, name="reopen"),
    path("<ticket:number>/escalate/", views.ticket_escalate, name="escalate"),
    path("<ticket:number>/call/", views.ticket_call, name="call"),
    path("<ticket:number>/mute/", views.ticket_mute, name="mute"),
    path("<ticket:number>/rate/", views.ticket_rate, name="rate"),
    path("<ticket:number>/watchers/", views.watcher_add, name="watcher_add"),
    path(
        "<ticket:number>/watchers/<int:user_id>/remove/",
        views.watcher_remove,
        name="watcher_remove",
    ),
    path("<ticket:number>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path(
        "<ticket:number>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<ticket:number>/diagram/", views.diagram_save, name="diagram_save"),
    path("<ticket:number>/diagram/editor/", views.diagram_editor, name="diagram_editor"),
]
