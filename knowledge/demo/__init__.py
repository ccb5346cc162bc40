"""The knowledge base's part of `manage.py demo`: a help centre an ISP's clients would use.

35 articles over five categories and their subcategories (connectivity, billing,
your account, notifications and Telegram, using the portal) and a managed-security
one, most in Spanish, English, Portuguese and French, a few only in Spanish and
English (the others read them with the fallback note). Written by the support team
over the last two months through knowledge.services, each at its own moment
(core.demo.dated): the original, its translations, then published, which tells the
organisations that may read it. The DNS article's
original was saved again after its translations, and Portuguese was not brought up
to date (stale). One article is internal, one is Andes Fibra's only, one is a draft,
one is published ahead of its date (told to clients when it comes), and the ONT
article shows a picture drawn in code (image.py).

Then what readers did (readers.py): views, feedback ("No" with a comment, in the
reader's language), searches (with typos and things nobody wrote about yet) and
visits to the new-ticket form with the articles suggested and how they ended.

Each article is looked up by its original title and written only when missing;
the readers' activity comes with the first load of the articles.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.configtext import ALL, column
from core.demo import dated
from core.uploads import clean_uploads, upload_from_bytes

from .. import services
from ..models import Article, ArticleAttachment, ArticleTranslation, Category, Status
from . import (
    account,
    addresses,
    equipment,
    invoices,
    notifications,
    outages,
    payments,
    portal,
    readers,
    tickets,
    wifi,
)
from .catalogue import CATEGORIES
from .doc import Doc, typeset
from .image import ont_lights_png

DOCS: list[Doc] = [
    *outages.ARTICLES,
    *wifi.ARTICLES,
    *equipment.ARTICLES,
    *addresses.ARTICLES,
    *invoices.ARTICLES,
    *payments.ARTICLES,
    *account.ARTICLES,
    *notifications.ARTICLES,
    *tickets.ARTICLES,
    *portal.ARTICLES,
]
AGENT = "agent@support.example"
SUPERVISOR = "supervisor@support.example"
# Who writes in which language: the supervisor Spanish, the agent the rest.
WRITERS = {"es": SUPERVISOR, "en": AGENT, "pt": AGENT, "fr": AGENT}


def run(demo):
    categories = load_categories()
    users = demo.users
    now = timezone.now()
    articles, written = {}, []
    # Oldest first; the one published ahead of its date last, after every dated step
    # (a dated step moves what its defaults stamped, and a future date is past "since").
    for doc in sorted(DOCS, key=lambda d: (d.days < 0, -d.days)):
        article = _existing(doc, categories)
        if article is None:
            article = _write(doc, categories, demo.organisations, users, now)
            written.append(doc)
        articles[doc.key] = article
    for doc in written:
        _link(doc, articles)
    if len(written) == len(DOCS):
        readers.run(demo, articles, now)
    for doc in written:
        if doc.days < 0 and not doc.draft:
            services.publish(
                article=articles[doc.key],
                user=users[SUPERVISOR],
                when=now + timedelta(days=-doc.days),
            )


def load_categories() -> dict[str, Category]:
    """The categories, refreshed on every load (staff may have reworded them since)."""
    found = {}
    for order, (key, names, descriptions, icon, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.update_or_create(
            parent=None,
            name=names[0],
            defaults={
                **_versions("name", names),
                **_versions("description", descriptions),
                "icon": icon,
                "order": order,
            },
        )
        found[key] = parent
        for child_order, (child_key, child_names) in enumerate(children):
            found[child_key], _ = Category.objects.update_or_create(
                parent=parent,
                name=child_names[0],
                defaults={**_versions("name", child_names), "icon": icon, "order": child_order},
            )
    return found


def _versions(field: str, texts) -> dict:
    return {column(field, code): text for code, text in zip(ALL, texts, strict=True)}


def _existing(doc: Doc, categories) -> Article | None:
    original = doc.texts[doc.original]
    text = (
        ArticleTranslation.objects.filter(
            language=doc.original,
            title=original.title,
            article__category=categories[doc.category],
        )
        .select_related("article")
        .first()
    )
    return text.article if text else None


def _save(article, language, text, users, note=""):
    return services.save_translation(
        article=article,
        language=language,
        title=text.title,
        summary=text.summary,
        body=typeset(language, text.body),
        tags=text.tags,
        user=users[WRITERS[language]],
        note=note,
    )


def _write(doc: Doc, categories, organisations, users, now) -> Article:
    # One dated step an article (each costs a pass over every stamped column of the
    # project): written, translated and published the same day; a scheduled one is
    # written this morning and published at the end of the run.
    with dated(now - timedelta(days=doc.days, hours=6) if doc.days > 0 else now):
        article = Article.objects.create(
            category=categories[doc.category],
            original_language=doc.original,
            visibility=doc.visibility,
            status=Status.DRAFT,
        )
        article.organisations.set([organisations[s] for s in doc.organisations])
        for language, text in doc.texts.items():
            _save(article, language, text, users)
        if doc.attachment:
            _attach(article, doc.attachment, users[AGENT])
        if not doc.draft and doc.days > 0:
            services.publish(article=article, user=users[SUPERVISOR])
    if doc.update is not None:
        with dated(now - timedelta(days=doc.update.days)):
            _save(article, doc.original, doc.update.original, users, note=doc.update.note)
            for language, text in doc.update.translations.items():
                _save(article, language, text, users)
    if doc.views:
        Article.objects.filter(pk=article.pk).update(views=doc.views)
    return article


def _attach(article, name: str, user) -> None:
    (upload,) = clean_uploads([upload_from_bytes(name, ont_lights_png())])
    attachment = ArticleAttachment(
        article=article,
        name=upload.name,
        content_type=upload.content_type,
        size=len(upload.data),
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload.as_file(), save=False)
    attachment.save()


def _link(doc: Doc, articles) -> None:
    from tickets.models import RequestType

    article = articles[doc.key]
    related = [articles[key] for key in doc.related if key in articles]
    if related:
        article.related.add(*related)
    if doc.request_types:
        article.request_types.add(*RequestType.objects.filter(name__in=doc.request_types))
