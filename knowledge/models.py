"""The knowledge base: categories, articles in several languages, their versions,
files, the readers' feedback, and what searches and suggestions did.

An `Article` is a translation group: where it sits, who may read it and when it
is published. Its texts are `ArticleTranslation` rows, one per language, each
with its own revisions (`ArticleVersion`) and its own full-text vector, stemmed
in its language with accents folded (migration 0001 creates the configurations).

`Article.objects.visible_to(user, organisation=)` is the one scoping entry point
for clients; staff read articles in the admin and preview a client's view with
`available_to(organisation)`.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, When
from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.configtext import Translated, translations
from core.choices import ChoiceLabels

# The languages articles are written in, and the text search configuration of
# each: the language's stemmer after unaccent (migration 0001).
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LANGUAGE_CODES = [code for code, _label in LANGUAGES]
SEARCH_CONFIGS = {
    "es": "spanish_unaccent",
    "en": "english_unaccent",
    "pt": "portuguese_unaccent",
    "fr": "french_unaccent",
}
# Only the start of a long body is indexed: ranking reads every matching vector,
# and what an article is about is said in its first pages.
BODY_INDEXED = 20_000


class Icon(models.TextChoices):
    BOOK = "book", _("Book")
    WIFI = "wifi", _("Connectivity")
    RECEIPT = "receipt", _("Billing")
    USER = "user", _("Account")
    CHAT = "chat", _("Messages")
    SHIELD = "shield", _("Security")
    SERVER = "server", _("Servers")
    PORTAL = "portal", _("The portal")


class Category(Translated):
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=250, blank=True)
    icon = models.CharField(_("icon"), max_length=10, choices=Icon.choices, default=Icon.BOOK)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(translations("name", _("name"), max_length=120))
    locals().update(translations("description", _("description"), max_length=250))

    translated_fields = ("name", "description")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")

    def __str__(self):
        return self.tr("name")

    def clean(self):
        if self.parent_id and (self.parent.parent_id or self.parent_id == self.pk):
            raise ValidationError(
                {"parent": _("Categories nest one level only: choose a top-level category.")}
            )
        if self.parent_id and self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This category has subcategories, so it must stay at the top.")}
            )

    def get_absolute_url(self):
        return reverse("knowledge:category", args=[self.pk])


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    ALL = "all", _("All clients")
    ORGANISATIONS = "organisations", _("Some organisations")
    INTERNAL = "internal", _("Internal (staff only)")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now)

    def available_to(self, organisation, now=None):
        """What a client of `organisation` may read: published, and meant for everyone
        or for this organisation (named, or holding an active service of the kind)."""
        from contracts.models import Service

        named = Article.organisations.through.objects.filter(
            article=OuterRef("pk"), organisation=organisation
        )
        by_service = Service.objects.filter(
            organisation=organisation,
            status=Service.Status.ACTIVE,
            kind__iexact=OuterRef("service_kind"),
        )
        limited = Q(visibility=Visibility.ORGANISATIONS) & (
            Exists(named) | (~Q(service_kind="") & Exists(by_service))
        )
        return self.published(now).filter(Q(visibility=Visibility.ALL) | limited)

    def visible_to(self, user, *, organisation=None):
        """Articles a client may read; narrowed to `organisation` (which must be one of
        theirs) when given. Staff read them in the admin, never through this."""
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        from accounts.models import Organisation

        mine = Organisation.objects.visible_to(user)
        if organisation is not None:
            if not mine.filter(pk=organisation.pk).exists():
                return self.none()
            return self.available_to(organisation)
        readable = Q(pk__in=[])
        for org in mine:
            readable |= Q(pk__in=self.model.objects.available_to(org).values("pk"))
        return self.filter(readable)


class Article(ChoiceLabels, models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A published article appears to clients from this moment."),
    )
    # When clients were told of it (the "article published" event), once.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=15, choices=Visibility.choices, default=Visibility.ALL
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_("With “Some organisations”: these organisations read it."),
    )
    service_kind = models.CharField(
        _("service kind"),
        max_length=100,
        blank=True,
        help_text=_(
            "With “Some organisations”: also every organisation with an active service "
            "of this kind (for example “Networking”)."
        ),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=LANGUAGES,
        default="es",
        help_text=_("Translations older than this language's text are marked stale."),
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related articles"), blank=True, symmetrical=True
    )
    request_types = models.ManyToManyField(
        "tickets.RequestType",
        verbose_name=_("read first for these request types"),
        blank=True,
        related_name="+",
    )
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "visibility", "publish_at"], name="kb_article_live"),
            models.Index(fields=["category", "status"], name="kb_article_category"),
            models.Index(fields=["-views"], name="kb_article_views"),
            # The help home's "Recently updated".
            models.Index(fields=["-updated_at"], name="kb_article_updated"),
        ]

    def __str__(self):
        original = self.translation(self.original_language)
        return original.title if original else f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("knowledge:article", args=[self.pk])

    def translation(self, language):
        for row in self.translations.all():
            if row.language == language:
                return row
        return None

    def is_live(self, now=None) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= (now or timezone.now())


def _vector(config: str):
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("tags", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector(Left("body", BODY_INDEXED), weight="C", config=config)
    )


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences.")
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: ## headings, **bold**, lists, `code`, ``` code blocks, | tables |, "
            "and images uploaded below as ![description](attachment:file-name.png)."
        ),
    )
    tags = models.CharField(
        _("tags"),
        max_length=300,
        blank=True,
        help_text=_("Words people search for, separated by commas (router, wifi, outage)."),
    )
    # Counts this text's saves; a translation records the original's revision it
    # was written from, and is stale once the original has moved past it.
    revision = models.PositiveIntegerField(default=1, editable=False)
    source_revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    search = models.GeneratedField(
        expression=Case(
            *[When(language=code, then=_vector(cfg)) for code, cfg in SEARCH_CONFIGS.items()],
            default=_vector("simple"),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["article_id", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_one_text_per_language")
        ]
        indexes = [
            GinIndex(fields=["search"], name="kb_text_search"),
            GinIndex(fields=["title"], name="kb_text_title_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class ArticleVersion(models.Model):
    """A translation as it was saved: every save keeps one, restoring makes a new one."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="versions"
    )
    revision = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    tags = models.CharField(max_length=300, blank=True)
    # The original's revision this text was written from (a restore keeps it).
    source_revision = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["translation", "-revision"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["translation", "revision"], name="kb_one_version")
        ]

    def __str__(self):
        return f"{self.translation} r{self.revision}"


def _attachment_path(instance, filename):
    return f"knowledge/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """A file an article shows (an image) or offers; served only to its readers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["article", "name"], name="kb_attachment_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("knowledge:attachment", args=[self.article_id, self.pk])


class Feedback(models.Model):
    """One answer per person and article to "Was this helpful?", changeable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=2, choices=LANGUAGES)
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_one_feedback_per_person")
        ]

    def __str__(self):
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"


class SearchLog(models.Model):
    """A search someone made: what, in which language, how many results, what they opened.
    Who searched is not kept, only for which organisation."""

    class Source(models.TextChoices):
        SEARCH = "search", _("Search")
        SUGGESTION = "suggestion", _("Suggestion")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SEARCH)
    query = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    language = models.CharField(max_length=2, choices=LANGUAGES)
    results = models.PositiveIntegerField(default=0)
    clicked = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self):
        return self.query


class Deflection(models.Model):
    """A visit to the new-ticket form, as far as suggestions go: what was shown and
    opened, and how it ended. Settled by a beat job once its 30 minutes are over:
    a ticket from the same person since it started means it was not deflected."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        DEFLECTED = "deflected", _("Deflected")
        SOLVED = "solved", _("Solved by an article")
        TICKET = "ticket", _("Ticket opened")
        NOTHING = "nothing", _("No article opened")

    token = models.UUIDField(primary_key=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(
        "tickets.RequestType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shown = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    opened = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    solved_by = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    started_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        indexes = [GinIndex(fields=["opened"], name="kb_deflection_opened")]

    def __str__(self):
        return f"{self.token} {self.outcome}"

    @property
    def counts(self) -> bool:
        return self.outcome in (self.Outcome.DEFLECTED, self.Outcome.SOLVED)
