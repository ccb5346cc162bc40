"""Every change to the knowledge base, and what readers' use of it records.

Writes by staff (texts, publishing, restoring) keep a version of every save and
tell the organisations that may read a newly published article, once. What
readers do (views, feedback, searches, suggestions) is recorded without
anything about them beyond their organisation, except a deflection, which must
know whether the same person opened a ticket afterwards.
"""

import re
import unicodedata
import uuid
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Func, PositiveIntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Event
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
ANNOUNCED = "article_published"
FEEDBACK_COMMENT_MAX = 2000


# --- Staff: texts and publishing ---------------------------------------------------------


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
    expected_revision=None,
    source_revision=None,
) -> ArticleTranslation:
    """Save one language's text as a new revision, keeping the old one as a version.

    `expected_revision`: the revision the writer started from; if someone saved
    since, nothing is saved and the refusal names them. `source_revision`: the
    original's revision a translation was written from (a restored version's own),
    by default the original's current one.
    """
    try:
        with transaction.atomic():
            return _save_translation(
                article,
                language,
                user,
                note,
                expected_revision,
                source_revision,
                {"title": title, "summary": summary, "body": body, "tags": tags},
            )
    except IntegrityError as clash:
        # Two people wrote the first text of a language at once; the other one won.
        raise ValidationError(
            _("Someone saved a text in this language meanwhile. Reload the page to see it.")
        ) from clash


def _save_translation(article, language, user, note, expected_revision, source_revision, fields):
    now = timezone.now()
    text = (
        ArticleTranslation.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(article=article, language=language)
        .first()
    )
    if text is not None and expected_revision is not None and text.revision != expected_revision:
        raise ValidationError(
            _(
                "%(who)s saved this text (revision %(revision)s) after you opened the page, "
                "so yours was not saved. Compare with their version in the history; saving "
                "again keeps yours as the newest."
            )
            % {"who": _person(text.updated_by), "revision": text.revision}
        )
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
    elif source_revision is not None:
        text.source_revision = source_revision
    else:
        original = ArticleTranslation.objects.filter(
            article=article, language=article.original_language
        ).first()
        text.source_revision = original.revision if original else 0
    text.updated_at, text.updated_by = now, user
    text.save()
    ArticleVersion.objects.create(
        translation=text,
        revision=text.revision,
        source_revision=text.source_revision,
        created_by=user,
        note=note[:200],
        **fields,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=now)
    return text


def _person(user) -> str:
    if user is None:
        return _("someone no longer here")
    return str(user)


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
        # A restored translation is as old as the original it was written from.
        source_revision=version.source_revision,
    )


@transaction.atomic
def original_language_changed(article: Article) -> None:
    """Revisions count per text: once another language is the original, every other
    text is compared with it afresh, so each is stale until saved again."""
    ArticleTranslation.objects.filter(article=article).exclude(
        language=article.original_language
    ).update(source_revision=0)
    ArticleTranslation.objects.filter(article=article, language=article.original_language).update(
        source_revision=F("revision")
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


GENERATION_KEY = "knowledge:generation"


def generation() -> int:
    """Bumped whenever what clients may read may have changed: figures cached per
    organisation (the help home's counts) are keyed by it."""
    return cache.get(GENERATION_KEY) or 0


def changed() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _announcements(article: Article):
    return Event.objects.filter(verb=ANNOUNCED, data__article=article.pk)


@transaction.atomic
def announce(article: Article, *, actor=None, now=None) -> int:
    """Make the announcement of an article reach exactly the organisations that may
    read it now: each told once while it is live; taken back (with its
    notifications) from those that may no longer read it, so that its title does
    not stay in their feed. Called whenever an article's status or readers change."""
    now = now or timezone.now()
    article = Article.objects.select_for_update().get(pk=article.pk)
    # Now, and again once committed: a reader between the two may have kept counts
    # from before the change under the first bump.
    changed()
    transaction.on_commit(changed)
    told = _announcements(article)
    if not article.is_live(now):
        told.delete()
        if article.announced_at is not None:
            # Told again when it is live again (announce_due).
            article.announced_at = None
            article.save(update_fields=["announced_at"])
        return 0
    readers = list(readers_of(article))
    told.exclude(organisation__in=[org.pk for org in readers]).delete()
    already = set(told.values_list("organisation_id", flat=True))
    titles = _titles(article)
    new = [org for org in readers if org.pk not in already] if titles else []
    record_events(
        [
            {
                "organisation": organisation,
                "actor": actor,
                "verb": ANNOUNCED,
                "data": {"article": article.pk, "title": titles},
            }
            for organisation in new
        ]
    )
    if article.announced_at is None:
        article.announced_at = now
        article.save(update_fields=["announced_at"])
    return len(new)


@transaction.atomic
def publish(*, article: Article, user, when=None) -> Article:
    """Publish now, or at `when`; clients are told when it goes live."""
    if not article.translations.exists():
        raise ValidationError(_("Write the article in at least one language before publishing."))
    article.status = Status.PUBLISHED
    article.publish_at = when or timezone.now()
    article.save(update_fields=["status", "publish_at"])
    # Live now: told; scheduled: told when it goes live, and taken back meanwhile
    # if it had been told before.
    announce(article, actor=user)
    return article


def announce_due(now=None) -> int:
    """Scheduled articles whose time has come (a beat job): tell their readers."""
    # Internal articles have no readers to tell.
    now = now or timezone.now()
    told = 0
    due = (
        Article.objects.filter(
            status=Status.PUBLISHED, publish_at__lte=now, announced_at__isnull=True
        )
        .exclude(visibility=Visibility.INTERNAL)
        .values_list("pk", flat=True)[:200]
    )
    for pk in due:
        told += announce(Article(pk=pk), now=now)
    return told


# --- Readers ----------------------------------------------------------------------------


def count_view(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


@transaction.atomic
def give_feedback(*, article, user, organisation, language, helpful: bool, comment="") -> Feedback:
    """A person's answer to "Was this helpful?"; answering again replaces it."""
    comment = _printable(comment).strip() if not helpful else ""
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


def _printable(text) -> str:
    """Without control characters (PostgreSQL refuses NUL), lines and tabs kept."""
    return "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) != "Cc")


# What someone may type into a search that says who they are: an address, a phone
# or account number. The report needs the words, not those.
_PERSONAL = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\+?\d[\d \-().]{5,}\d"), "[number]"),
]


def scrub(query: str) -> str:
    for pattern, placeholder in _PERSONAL:
        query = pattern.sub(placeholder, query)
    return query


def log_search(*, organisation, query: str, language: str, results: int, source=None) -> SearchLog:
    query = scrub(query)
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
        # In any of their organisations: the form lets them choose another one.
        ticket = Ticket.objects.filter(
            requester_id=deflection.user_id,
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
