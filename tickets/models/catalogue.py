"""What a ticket is opened with: categories, request types and their fields, priority rules."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.configtext import LANGS, SOURCE, Translated, fallback_order, translations

from ..states import Priority


class Category(Translated):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    locals().update(translations("name", _("name"), max_length=100))

    translated_fields = ("name",)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.tr("name")


class RequestSection(Translated):
    """A heading of the 'open a ticket' page, e.g. Incidents, Support and configuration."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(translations("name", _("name"), max_length=100))

    translated_fields = ("name",)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("portal section")
        verbose_name_plural = _("portal sections")

    def __str__(self):
        return self.tr("name")


class RequestTypeQuerySet(models.QuerySet):
    def available_to(self, organisation):
        limited = RequestType.organisations.through.objects.filter(requesttype=OuterRef("pk"))
        mine = limited.filter(organisation=organisation)
        return self.filter(is_active=True).filter(~Exists(limited) | Exists(mine))


class RequestType(Translated):
    section = models.ForeignKey(RequestSection, on_delete=models.PROTECT, related_name="types")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=250, blank=True)
    guidance = models.TextField(
        _("guidance"), blank=True, help_text=_("What the client should include.")
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    default_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to offer this type to every organisation."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    locals().update(translations("name", _("name"), max_length=120))
    locals().update(translations("description", _("description"), max_length=250))
    locals().update(translations("guidance", _("guidance")))

    translated_fields = ("name", "description", "guidance")

    objects = RequestTypeQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self):
        return self.tr("name")


class RequestTypeField(Translated):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    # A choice's key is what a ticket stores; its labels may be reworded and
    # translated without touching the answers already given.
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One per line, as key|label (router|Router). The key is what is stored: "
            "keep it when you reword the label. A line without | is both."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(translations("label", _("label"), max_length=120))
    locals().update(translations("help_text", _("help text"), max_length=250))
    locals().update(translations("choices", _("choices")))

    translated_fields = ("label", "help_text", "choices")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="request_field_key_unique")
        ]

    def __str__(self):
        return self.tr("label")

    def choice_labels(self, language: str) -> dict[str, str]:
        """key -> label of one language's version of the choices."""
        labels = {}
        for line in self.version("choices", language).splitlines():
            key, bar, label = line.partition("|")
            if key.strip():
                labels[key.strip()] = (label if bar else key).strip()
        return labels

    def choice_items(self, language: str | None = None) -> list[tuple[str, str]]:
        """(key, label) in the reader's language, each label by the fallback of `tr()`."""
        versions = [self.choice_labels(code) for code in fallback_order(language)]
        return [
            (key, next((v[key] for v in versions if v.get(key)), key))
            for key in self.choice_labels(SOURCE)
        ]

    def clean(self):
        keys = set(self.choice_labels(SOURCE))
        errors = {}
        if self.kind == self.Kind.CHOICE and not keys:
            errors["choices"] = _("A choice field needs its choices, one per line.")
        for code in LANGS:
            unknown = set(self.choice_labels(code)) - keys
            if unknown:
                errors[f"choices_{code}"] = _(
                    "Unknown keys: %(keys)s. Translate the English list's choices as key|label."
                ) % {"keys": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)


class PriorityRule(models.Model):
    """Where the client does not choose: the priority for a type and category."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority rules")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "category"],
                name="priority_rule_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return (
            f"{self.request_type or '*'} / {self.category or '*'} → {self.get_priority_display()}"
        )


class TicketPolicy(models.Model):
    """How tickets work for one organisation. No row means the defaults."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="ticket_policy"
    )
    client_sets_priority = models.BooleanField(
        _("client chooses the priority"),
        default=True,
        help_text=_("Otherwise the priority comes from the rules for type and category."),
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("auto-close after (days)"),
        default=7,
        help_text=_(
            "Resolved tickets close after this many days without a client reply; "
            "0 never closes them."
        ),
    )

    class Meta:
        verbose_name = _("ticket policy")
        verbose_name_plural = _("ticket policies")

    def __str__(self):
        return str(self.organisation)
