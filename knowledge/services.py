"""Every change to the knowledge base, and what readers' use of it records.

Writes by staff (texts, publishing, restoring) keep a version of every save and
tell the organisations that may read a newly published article, once. What
readers do (views, feedback, searches, suggestions) is recorded without
anything about them beyond their organisation, except a deflection, which must
know whether the same person opened a ticket afterwards.
"""

import uuid
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Func, PositiveIntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record_events

from .models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    Deflection,
    Feedback,
    SearchLog,
    Status,
    Visibility,
)
from .search import MAX_QUERY, normalise

# A visit to the new-ticket form ends, for deflection, this long after it began.
DEFLECTION_WINDOW = timedelta(minutes=30)
FEEDBACK_COMMENT_MAX = 2000


# --- Staff: texts and publishing ---------------------------------------------------------


@transaction.atomic
def save_translation(
    *,
    article: Article,
    language: str,
    title: str,
    summary: str,
    body: str,
    tags: str,
    user,
    note="",
) -> ArticleTranslation:
    """Save one language's text as a new revision, keeping the old one as a version."""
    now = timezone.now()
    text = (
        ArticleTranslation.objects.select_for_update()
        .filter(article=article, language=language)
        .first()
    )
    fields = {"title": title, "summary": summary, "body": body, "tags": tags}
    if text is not None and all(getattr(text, k) == v for k, v in fields.items()):
        return text
    if text is None:
        text = ArticleTranslation(article=article, language=language, revision=1, **fields)
    else:
        for key, value in fields.items():
            setattr(text, key, value)
        text.revision += 1
    if language == article.original_language:
        text.source_revision = text.revision
    else:
        original = ArticleTranslation.objects.filter(
            article=article, language=article.original_language
        ).first()
        text.source_revision = original.revision if original else 0
    text.updated_at, text.updated_by = now, user
    text.save()
    ArticleVersion.objects.create(
        translation=text, revision=text.revision, created_by=user, note=note[:200], **fields
    )
    Article.objects.filter(pk=article.pk).update(updated_at=now)
    return text


def restore_version(*, version: ArticleVersion, user) -> ArticleTranslation:
    """Make an old version the current text again (as a new revision; nothing is lost)."""
    text = version.translation
    return save_translation(
        article=text.article,
        language=text.language,
        title=version.title,
        summary=version.summary,
        body=version.body,
        tags=version.tags,
        user=user,
        note=_("Restored revision %(revision)s") % {"revision": version.revision},
    )


def stale_languages(article: Article) -> list[str]:
    """Languages whose text was written from an older revision of the original."""
    texts = {text.language: text for text in article.translations.all()}
    original = texts.get(article.original_language)
    if original is None:
        return []
    return sorted(
        code
        for code, text in texts.items()
        if code != article.original_language and text.source_revision < original.revision
    )


def readers_of(article: Article):
    """The organisations whose clients may read `article` once it is live."""
    from accounts.models import Organisation
    from contracts.models import Service

    organisations = Organisation.objects.filter(is_active=True)
    if article.visibility == Visibility.INTERNAL:
        return organisations.none()
    if article.visibility == Visibility.ORGANISATIONS:
        rule = Q(pk__in=article.organisations.values("pk"))
        if article.service_kind:
            rule |= Q(
                pk__in=Service.objects.filter(
                    status=Service.Status.ACTIVE, kind__iexact=article.service_kind
                ).values("organisation_id")
            )
        organisations = organisations.filter(rule)
    return organisations


def _titles(article: Article) -> dict[str, str]:
    return {text.language: text.title for text in article.translations.all()}


@transaction.atomic
def announce(article: Article, *, actor=None, now=None) -> int:
    """Tell every organisation that may read a live article that it is there, once."""
    now = now or timezone.now()
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.announced_at is not None or not article.is_live(now):
        return 0
    article.announced_at = now
    article.save(update_fields=["announced_at"])
    titles = _titles(article)
    if not titles:
        return 0
    events = record_events(
        [
            {
                "organisation": organisation,
                "actor": actor,
                "verb": "article_published",
                "data": {"article": article.pk, "title": titles},
            }
            for organisation in readers_of(article)
        ]
    )
    return len(events)


@transaction.atomic
def publish(*, article: Article, user, when=None) -> Article:
    """Publish now, or at `when`; clients are told when it goes live."""
    if not article.translations.exists():
        raise ValidationError(_("Write the article in at least one language before publishing."))
    article.status = Status.PUBLISHED
    article.publish_at = when or timezone.now()
    article.save(update_fields=["status", "publish_at"])
    if article.is_live():
        announce(article, actor=user)
    return article


def announce_due(now=None) -> int:
    """Scheduled articles whose time has come (a beat job): tell their readers."""
    now = now or timezone.now()
    told = 0
    due = Article.objects.filter(
        status=Status.PUBLISHED, publish_at__lte=now, announced_at__isnull=True
    ).values_list("pk", flat=True)[:200]
    for pk in due:
        told += announce(Article(pk=pk), now=now)
    return told


# --- Readers ----------------------------------------------------------------------------


def count_view(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


@transaction.atomic
def give_feedback(*, article, user, organisation, language, helpful: bool, comment="") -> Feedback:
    """A person's answer to "Was this helpful?"; answering again replaces it."""
    comment = (comment or "").strip() if not helpful else ""
    if len(comment) > FEEDBACK_COMMENT_MAX:
        raise ValidationError(
            _("Please keep the comment under %(max)s characters.") % {"max": FEEDBACK_COMMENT_MAX}
        )
    feedback, _created = Feedback.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            "organisation": organisation,
            "language": language,
            "helpful": helpful,
            "comment": comment,
            "updated_at": timezone.now(),
        },
    )
    return feedback


def log_search(*, organisation, query: str, language: str, results: int, source=None) -> SearchLog:
    return SearchLog.objects.create(
        organisation=organisation,
        source=source or SearchLog.Source.SEARCH,
        query=query[:MAX_QUERY],
        normalised=normalise(query),
        language=language,
        results=results,
    )


def log_click(*, search_id, organisation, article) -> bool:
    """The article opened from a search's results (the first one it led to)."""
    recent = timezone.now() - timedelta(hours=1)
    return bool(
        SearchLog.objects.filter(
            pk=search_id, organisation=organisation, clicked__isnull=True, created_at__gte=recent
        ).update(clicked=article)
    )


# --- Deflection -------------------------------------------------------------------------


def start_deflection(*, organisation, user, request_type=None) -> Deflection:
    return Deflection.objects.create(
        token=uuid.uuid4(), organisation=organisation, user=user, request_type=request_type
    )


def _append(field: str, ids):
    """`field` with `ids` added once each, in one UPDATE (no read-modify-write race)."""
    array = Func(
        Func(F(field), Value(list(ids)), function="array_cat"),
        function="ARRAY",
        template="ARRAY(SELECT DISTINCT unnest(%(expressions)s))",
        output_field=ArrayField(PositiveIntegerField()),
    )
    return Coalesce(array, Value([]))


def deflection_shown(deflection: Deflection, article_ids, *, request_type=None) -> None:
    if not article_ids:
        return
    updates = {"shown": _append("shown", article_ids)}
    if request_type is not None:
        updates["request_type"] = request_type
    Deflection.objects.filter(pk=deflection.pk, outcome=Deflection.Outcome.PENDING).update(
        **updates
    )


def deflection_opened(deflection: Deflection, article: Article) -> None:
    Deflection.objects.filter(pk=deflection.pk, outcome=Deflection.Outcome.PENDING).update(
        opened=_append("opened", [article.pk])
    )


@transaction.atomic
def deflection_solved(deflection: Deflection, article: Article) -> Deflection:
    """The client says the article solved it: counted now, whatever follows."""
    deflection = Deflection.objects.select_for_update().get(pk=deflection.pk)
    if deflection.outcome in (Deflection.Outcome.PENDING, Deflection.Outcome.SOLVED):
        deflection.outcome = Deflection.Outcome.SOLVED
        deflection.solved_by = article
        deflection.settled_at = timezone.now()
        if article.pk not in deflection.opened:
            deflection.opened = [*deflection.opened, article.pk]
        deflection.save(update_fields=["outcome", "solved_by", "settled_at", "opened"])
    return deflection


def settle_deflections(now=None) -> int:
    """Decide the visits whose window is over (a beat job): a ticket from the same
    person in the window means it was not deflected; an article opened and no
    ticket means it was."""
    from tickets.models import Ticket

    now = now or timezone.now()
    settled = 0
    due = Deflection.objects.filter(
        outcome=Deflection.Outcome.PENDING, started_at__lte=now - DEFLECTION_WINDOW
    ).order_by("started_at")[:500]
    for deflection in due:
        ticket = Ticket.objects.filter(
            requester_id=deflection.user_id,
            organisation_id=deflection.organisation_id,
            created_at__gte=deflection.started_at,
            created_at__lte=deflection.started_at + DEFLECTION_WINDOW,
        ).exists()
        if ticket:
            outcome = Deflection.Outcome.TICKET
        elif deflection.opened:
            outcome = Deflection.Outcome.DEFLECTED
        else:
            outcome = Deflection.Outcome.NOTHING
        settled += Deflection.objects.filter(
            pk=deflection.pk, outcome=Deflection.Outcome.PENDING
        ).update(outcome=outcome, settled_at=now)
    return settled
