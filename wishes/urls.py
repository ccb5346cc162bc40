from django.urls import path, register_converter

from . import views


class WishNumberConverter:
    regex = r"WSH-[0-9]{4}-[0-9]{5,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(WishNumberConverter, "wish")

app_name = "wishes"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.wish_list, name="list"),
    path("live/", views.board_live, name="board_live"),
    path("new/", views.wish_create, name="create"),
    path("<wish:number>/", views.wish_detail, name="detail"),
    path("<wish:number>/edit/", views.wish_edit, name="edit"),
    path("<wish:number>/submit/", views.wish_submit, name="submit"),
    path("<wish:number>/delete/", views.wish_delete, name="delete"),
    path("<wish:number>/vote/", views.wish_vote, name="vote"),
    path("<wish:number>/comment/", views.wish_comment, name="comment"),
    path("<wish:number>/resubmit/", views.wish_resubmit, name="resubmit"),
    path("<wish:number>/mute/", views.wish_mute, name="mute"),
    path("<wish:number>/versions/", views.wish_versions, name="versions"),
    path(
        "<wish:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
