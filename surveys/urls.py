from django.urls import path, register_converter

from . import results_views, views


class InvitationToken:
    """32 hexadecimal characters: anything else is a 404 before a query."""

    regex = r"[0-9a-f]{32}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(InvitationToken, "invitation")

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<invitation:token>/", views.answer, name="answer"),
    path("results/<int:form_id>/", results_views.shared_results, name="results"),
]
