""" "Preview as organisation X": what a client of an organisation reading in a language
sees of an article, through the same rules and rendering as the portal page
(Article.objects.available_to, knowledge.reading.read, knowledge/_article.html), or
plainly why that client cannot open it."""

from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.configtext import organisation_language
from accounts.models import Organisation
from contracts.models import Service
from core.i18n import override

from ..markdown import render
from ..models import LANGUAGES, Article, Status, Visibility
from ..reading import Reading, read
from .attachments import attachment_url
from .common import LANGUAGE_LABELS


class PreviewForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Reading in"),
        choices=[("", gettext_lazy("The organisation's language")), *LANGUAGES],
        required=False,
    )


@dataclass
class Preview:
    organisation: Organisation
    language: str
    available: bool
    reasons: list[str]
    reading: Reading | None = None
    html: SafeString | str = ""

    @property
    def language_name(self):
        return LANGUAGE_LABELS.get(self.language, self.language)


def why_not(article: Article, organisation: Organisation, now=None) -> list[str]:
    """Why a client of `organisation` cannot open `article`, in staff's words."""
    now = now or timezone.now()
    reasons = []
    if article.status == Status.DRAFT:
        reasons.append(_("It is a draft: clients read it once it is published."))
    elif article.status == Status.ARCHIVED:
        reasons.append(_("It is archived: clients no longer read it."))
    elif article.publish_at > now:
        reasons.append(
            _("It is scheduled: clients read it from %(date)s.")
            % {"date": date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT")}
        )
    if article.visibility == Visibility.INTERNAL:
        reasons.append(_("It is internal: only staff read it."))
    elif article.visibility == Visibility.ORGANISATIONS:
        named = article.organisations.filter(pk=organisation.pk).exists()
        served = bool(article.service_kind) and (
            Service.objects.filter(
                organisation=organisation,
                status=Service.Status.ACTIVE,
                kind__iexact=article.service_kind,
            ).exists()
        )
        if not (named or served):
            if article.service_kind:
                reasons.append(
                    _(
                        "It is for some organisations only: %(organisation)s is not one of "
                        "those named, and has no active service of the kind “%(kind)s”."
                    )
                    % {"organisation": organisation.name, "kind": article.service_kind}
                )
            else:
                reasons.append(
                    _("It is for some organisations only, and %(organisation)s is not one of them.")
                    % {"organisation": organisation.name}
                )
    return reasons or [
        _("It is not available to %(organisation)s.") % {"organisation": organisation.name}
    ]


def preview(article: Article, organisation: Organisation, language: str) -> Preview:
    readable = Article.objects.available_to(organisation)
    if not readable.filter(pk=article.pk).exists():
        return Preview(organisation, language, False, why_not(article, organisation))
    # As the portal reads it: the client's language, then their organisation's.
    with organisation_language(organisation.default_language):
        reading = read(article, language, readable)
    if reading is None:
        return Preview(organisation, language, True, [_("It has no text in any language yet.")])
    # The same text and markup; only its images come from the admin, since the
    # portal's file addresses open for clients only.
    urls = {item.name: attachment_url(item) for item in article.attachments.all()}
    reading.rendered = render(reading.text.body, urls)
    with override(language, organisation.timezone):
        html = render_to_string(
            "knowledge/_article.html",
            {"reading": reading, "LANGUAGE_CODE": translation.get_language()},
        )
    return Preview(organisation, language, True, [], reading, html)


def preview_view(request, object_id, *, model_admin):
    article = model_admin.article_for(request, object_id)
    form = PreviewForm(request.GET or None)
    result = None
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        language = form.cleaned_data["language"] or organisation.default_language
        result = preview(article, organisation, language)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Preview of “%(title)s” as a client reads it") % {"title": article},
        "opts": model_admin.opts,
        "original": article,
        "form": form,
        "preview": result,
        "reading": result.reading if result else None,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/knowledge/article/preview.html", context)
