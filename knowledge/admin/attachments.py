"""An article's files: uploaded on its admin page (checked by core.uploads like every
upload of the portal), named so that Markdown can show them
(`![description](attachment:name.png)`), and opened by staff through the admin."""

import re
import unicodedata

from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.uploads import CleanUpload, file_response

from ..markdown import ATTACHMENT_PREFIX
from ..models import Article, ArticleAttachment

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def markdown_name(name: str) -> str:
    """A name Markdown takes as it is in `attachment:name` (no spaces, brackets or
    accents): "Router Screen (1).PNG" becomes "router-screen-1.png"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    safe = _UNSAFE.sub("-", folded)
    safe = re.sub(r"-*\.-*", ".", re.sub(r"-{2,}", "-", safe)).strip("-.")
    return safe[:150] or "file"


def _forget(names) -> None:
    names = [name for name in names if name]
    if names:
        storage = ArticleAttachment._meta.get_field("file").storage

        def remove():
            for name in names:
                storage.delete(name)

        # The stored files go once the rows are gone for good.
        transaction.on_commit(remove)


@transaction.atomic
def attach(*, article: Article, uploads: list[CleanUpload], user) -> list[ArticleAttachment]:
    """Store each file under its Markdown name; a file of the same name is replaced
    (a new screenshot shows where the old one did, without editing the text)."""
    saved = []
    for upload in uploads:
        name = markdown_name(upload.name)
        item = article.attachments.select_for_update().filter(name=name).first()
        replaced = item.file.name if item else None
        if item is None:
            item = ArticleAttachment(article=article, name=name)
        item.file = ContentFile(upload.data, name=name)
        item.content_type = upload.content_type
        item.size = len(upload.data)
        item.uploaded_by = user
        item.save()
        if replaced and replaced != item.file.name:
            _forget([replaced])
        saved.append(item)
    return saved


@transaction.atomic
def remove(*, article: Article, attachments) -> int:
    items = list(article.attachments.filter(pk__in=[a.pk for a in attachments]))
    _forget([item.file.name for item in items])
    article.attachments.filter(pk__in=[item.pk for item in items]).delete()
    return len(items)


def attachment_url(item: ArticleAttachment) -> str:
    return reverse("admin:knowledge_article_attachment", args=[item.article_id, item.pk])


def files_table(article: Article):
    """The article's files, each with what to write in Markdown to show it."""
    items = list(article.attachments.all()) if article.pk else []
    if not items:
        return _("No files yet.")
    rows = format_html_join(
        "",
        '<tr><td><a href="{}" target="_blank" rel="noopener">{}</a></td>'
        "<td><code>{}</code></td><td>{}</td></tr>",
        (
            (
                attachment_url(item),
                item.name,
                markdown_reference(item),
                filesizeformat(item.size),
            )
            for item in items
        ),
    )
    return format_html(
        '<table class="kb-files"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        _("File"),
        _("Write in Markdown"),
        _("Size"),
        rows,
    )


def markdown_reference(item: ArticleAttachment) -> str:
    if item.content_type.startswith("image/"):
        return f"![{_('description')}]({ATTACHMENT_PREFIX}{item.name})"
    # Only images are rewritten from `attachment:`; another file is a link to the
    # portal's address for it, which checks its reader may open the article.
    return f"[{item.name}]({item.get_absolute_url()})"


def attachment_view(request, object_id, attachment_id, *, model_admin):
    article = model_admin.article_for(request, object_id)
    # Shown in place when it is an image or a PDF, under the sandboxing CSP.
    return file_response(get_object_or_404(article.attachments, pk=attachment_id), inline=True)
