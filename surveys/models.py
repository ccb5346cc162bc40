"""Surveys and data forms: what staff build, whom they send it to, and the answers.

A form's questions belong to a version. A version that has answers is frozen:
changing the form makes a new version (services.version_for_editing), so an
answer always reads against the questions it answered. A question keeps its `key`
across versions, which keeps the CSV's columns stable.

`Invitation.objects.visible_to(user, organisation=)` is the one scoping entry
point for clients: a person reads the invitations addressed to them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from accounts.configtext import Translated, translations
from core.choices import ChoiceLabels


class FormKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    DATA = "data", _("Data form")


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating 1-5")
    NPS = "nps", _("NPS 0-10")
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    EMAIL = "email", _("E-mail")
    FILE = "file", _("File")
    SECTION = "section", _("Section break")


# Types whose answer is one of the question's options (a condition compares with it).
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class Form(Translated):
    title = models.CharField(_("title"), max_length=200)
    locals().update(translations("title", _("title"), max_length=200))
    intro = models.TextField(_("introduction"), blank=True)
    locals().update(translations("intro", _("introduction")))
    kind = models.CharField(_("kind"), max_length=10, choices=FormKind.choices)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Results never name who answered (each person still answers once)."),
    )
    shared_with_client = models.BooleanField(
        _("results shared with the client"),
        default=False,
        help_text=_("The organisation's managers see their organisation's results."),
    )
    send_on_wish_done = models.BooleanField(
        _("send when a wish is done"),
        default=False,
        help_text=_("To the people of the wish, once per wish."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    translated_fields = ("title", "intro")

    class Meta:
        ordering = ["title"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return self.title


class FormVersion(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="surveys_version_once")
        ]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")

    def __str__(self):
        return f"{self.form} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.responses.exists()


class Question(ChoiceLabels, Translated):
    # Not `version`: Translated.version(field, language) reads a text's version.
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("Names the answer in exports; kept by the next versions."),
    )
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    label = models.CharField(_("question"), max_length=300)
    locals().update(translations("label", _("question"), max_length=300))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    locals().update(translations("help_text", _("help text"), max_length=300))
    required = models.BooleanField(_("required"), default=False)
    # [{"value": "fibre", "en": "Fibre", "es": "Fibra", ...}]: each option in each language.
    options = models.JSONField(_("options"), default=list, blank=True)
    minimum = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    # Shown only if the answer to an earlier question of the version is this value.
    condition_key = models.SlugField(_("shown if the answer to"), max_length=50, blank=True)
    condition_value = models.CharField(_("is"), max_length=100, blank=True)

    translated_fields = ("label", "help_text")

    class Meta:
        ordering = ["form_version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_version", "key"], name="surveys_question_key_once"
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Every member")
    MANAGERS = "managers", _("Managers only")
    CHOSEN = "chosen", _("Chosen people")


class Trigger(models.TextChoices):
    MANUAL = "manual", _("Sent by staff")
    TICKET_CLOSED = "ticket_closed", _("A ticket was closed")
    SCHEDULE = "schedule", _("Schedule")
    WISH_DONE = "wish_done", _("A wish was done")


class Sending(ChoiceLabels, models.Model):
    """A form sent to people of one organisation, at once."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="sendings")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="sendings")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="survey_sendings"
    )
    audience = models.CharField(_("to"), max_length=10, choices=Audience.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_sendings",
    )
    # A wish is a sibling app's: named by its number, not a foreign key.
    wish_number = models.CharField(max_length=20, blank=True)
    trigger = models.CharField(
        _("trigger"), max_length=15, choices=Trigger.choices, default=Trigger.MANUAL
    )
    # A scheduled run's period ("2026-Q4"): one sending per schedule, organisation and period.
    schedule = models.ForeignKey(
        "Schedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="sendings"
    )
    period = models.CharField(max_length=10, blank=True)
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "organisation", "period"],
                condition=Q(schedule__isnull=False),
                name="surveys_schedule_once_a_period",
            ),
            # A trigger that fires twice (a handler run again) sends once.
            models.UniqueConstraint(
                fields=["form", "ticket"],
                condition=Q(trigger="ticket_closed"),
                name="surveys_once_a_closed_ticket",
            ),
            models.UniqueConstraint(
                fields=["form", "wish_number"],
                condition=Q(trigger="wish_done"),
                name="surveys_once_a_wish",
            ),
        ]
        verbose_name = _("sending")
        verbose_name_plural = _("sendings")

    def __str__(self):
        return f"{self.form} → {self.organisation}"

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.closed_at or (self.closes_at and self.closes_at <= now))


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        # Only while a member: someone who left keeps their invitations, not the access.
        invitations = self.filter(member_q(user, "sending__organisation"), user=user)
        if organisation is not None:
            invitations = invitations.filter(sending__organisation=organisation)
        return invitations


class Invitation(models.Model):
    """One person asked to answer one sending: at most one response each."""

    sending = models.ForeignKey(Sending, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    client_task_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sending", "user"], name="surveys_invited_once")
        ]

    def __str__(self):
        return f"{self.sending} · {self.user_id}"

    def get_absolute_url(self):
        return reverse("surveys:answer", args=[self.token])


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ResponseQuerySet(models.QuerySet):
    def shared_with(self, user, *, organisation):
        """Submitted responses of `organisation` whose results its managers may read."""
        return self.filter(
            whole_organisation_q(user, "invitation__sending__organisation"),
            invitation__sending__organisation=organisation,
            invitation__sending__form__shared_with_client=True,
            status=ResponseStatus.SUBMITTED,
        )


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    # {question key: value}; a file answer is the id of its ResponseFile.
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["version", "status"], name="surveys_results")]

    def __str__(self):
        return f"{self.invitation} ({self.status})"


class ResponseFile(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="files")
    key = models.SlugField(max_length=50)
    file = models.FileField(upload_to="surveys/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    def __str__(self):
        return self.name


class FollowUp(models.Model):
    """After a ticket of these request types is closed, its requester gets this survey."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="follow_ups")
    request_types = models.ManyToManyField(
        "tickets.RequestType",
        blank=True,
        verbose_name=_("request types"),
        help_text=_("None: after every closed ticket."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    close_after_days = models.PositiveSmallIntegerField(_("open for (days)"), default=14)

    class Meta:
        verbose_name = _("survey after a closed ticket")
        verbose_name_plural = _("surveys after a closed ticket")

    def __str__(self):
        return str(self.form)


class Schedule(models.Model):
    """A form sent every quarter to organisations (each once a period)."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="schedules")
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        verbose_name=_("organisations"),
        help_text=_("None: every active organisation."),
    )
    audience = models.CharField(
        _("to"), max_length=10, choices=Audience.choices[:2], default=Audience.MANAGERS
    )
    is_active = models.BooleanField(_("active"), default=True)
    open_days = models.PositiveSmallIntegerField(_("open for (days)"), default=30)

    class Meta:
        verbose_name = _("quarterly sending")
        verbose_name_plural = _("quarterly sendings")

    def __str__(self):
        return str(self.form)
