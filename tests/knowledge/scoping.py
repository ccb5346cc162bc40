"""The knowledge base URLs of the scoping harness (tests/scoping.py): each object
is an article meant for `world.org` only."""

from tests.scoping import Case


def _article(w):
    from knowledge.models import Visibility
    from tests.knowledge.factories import article, category

    return article(
        {"es": ("Solo para Andes", "Configuración privada.")},
        in_category=category("Privado"),
        visibility=Visibility.ORGANISATIONS,
        organisations=[w.org],
    )


def _pk(w):
    return {"pk": _article(w).pk}


def _category(w):
    return {"pk": _article(w).category_id}


def _attachment(w):
    from knowledge.models import ArticleAttachment

    found = _article(w)
    from django.core.files.base import ContentFile

    item = ArticleAttachment(article=found, name="plan.txt", content_type="text/plain", size=4)
    item.file.save("plan.txt", ContentFile(b"plan"), save=True)
    return {"pk": found.pk, "attachment_id": item.pk}


def _solved(w):
    from knowledge import services

    visit = services.start_deflection(organisation=w.org, user=w.manager)
    return {"token": visit.token, "pk": _article(w).pk}


def _helpful(w, kwargs):
    return {"helpful": "yes"}


CASES = [
    Case("knowledge:category", _category),
    Case("knowledge:article", _pk),
    Case("knowledge:article_panel", _pk),
    Case("knowledge:attachment", _attachment),
    Case("knowledge:feedback", _pk, method="post", data=_helpful),
    Case("knowledge:solved", _solved, method="post"),
]
