from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("verify/", views.verify_upload, name="verify"),
    path("<str:number>/", views.document_detail, name="detail"),
    path("<str:number>/sign/", views.sign, name="sign"),
    path("<str:number>/decline/", views.decline, name="decline"),
    path("<str:number>/code/", views.send_code, name="send_code"),
    path("<str:number>/signed.pdf", views.signed, name="signed"),
    path("<str:number>/verify/", views.verify_document, name="verify_document"),
    path("<str:number>/v<int:version>.pdf", views.original, name="original"),
    path("<str:number>/v<int:version>/<int:page_number>.png", views.page, name="page"),
    path(
        "<str:number>/v<int:version>/<int:page_number>/text/",
        views.page_text_view,
        name="page_text",
    ),
]
