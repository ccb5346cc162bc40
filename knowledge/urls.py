from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("categories/<int:pk>/", views.category, name="category"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("articles/<int:pk>/panel/", views.article_panel, name="article_panel"),
    path("articles/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("articles/<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("deflections/<uuid:token>/solved/<int:pk>/", views.solved, name="solved"),
]
