from django.urls import path, register_converter

from . import views


class DocumentNumber:
    """DOC-2026-00001: anything else is a 404 before a query (a NUL byte included)."""

    regex = r"DOC-[0-9]{4}-[0-9]{5,9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DocumentNumber, "document_number")

app_name = "signing"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("verify/", views.verify_upload, name="verify"),
    path("<document_number:number>/", views.document_detail, name="detail"),
    path("<document_number:number>/sign/", views.sign, name="sign"),
    path("<document_number:number>/decline/", views.decline, name="decline"),
    path("<document_number:number>/code/", views.send_code, name="send_code"),
    path("<document_number:number>/signed.pdf", views.signed, name="signed"),
    path("<document_number:number>/verify/", views.verify_document, name="verify_document"),
    path("<document_number:number>/v<int:version>.pdf", views.original, name="original"),
    path("<document_number:number>/v<int:version>/<int:page_number>.png", views.page, name="page"),
    path(
        "<document_number:number>/v<int:version>/<int:page_number>/text/",
        views.page_text_view,
        name="page_text",
    ),
]
