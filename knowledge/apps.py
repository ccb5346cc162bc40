from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        # Suggestions beside the new-ticket form; article links in the agents' replies.
        from tickets import parts

        from .parts import ArticleLinks
        from .suggestions import Suggestions

        parts.add(Suggestions())
        parts.add(ArticleLinks())
