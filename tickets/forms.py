from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.uploads import clean_uploads

from .models import Category, RequestType, RequestTypeField
from .secrets import find_secrets
from .services import CALL_PHONE_MAX, CALL_TIME_MAX, ESCALATION_REASON_MAX
from .states import Priority, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked by content (tickets/attachments.py)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return clean_uploads(files)


class SecretCheckMixin:
    """Warn, once, when the text looks like it carries a secret; the client decides."""

    secret_fields: tuple[str, ...] = ()

    def secret_warning(self, found) -> str:
        return _(
            "This looks like it contains %(what)s. Anyone who can see the ticket "
            "will read it. Remove it, or tick the box to send it as it is."
        ) % {"what": ", ".join(found)}

    def _check_secrets(self):
        if self.cleaned_data.get("send_anyway"):
            return
        found = find_secrets(*(self.cleaned_data.get(f, "") for f in self.secret_fields))
        if found:
            self.secrets_found = found
            raise ValidationError(self.secret_warning(found), code="secret")


def _extra_field(spec: RequestTypeField):
    # In the reader's language; a submitted choice is checked against its key.
    common = {
        "label": spec.tr("label"),
        "required": spec.required,
        "help_text": spec.tr("help_text"),
    }
    if spec.kind == RequestTypeField.Kind.NUMBER:
        return forms.DecimalField(**common)
    if spec.kind == RequestTypeField.Kind.DATE:
        return forms.DateField(**common, widget=forms.DateInput(attrs={"type": "date"}))
    if spec.kind == RequestTypeField.Kind.CHOICE:
        return forms.ChoiceField(**common, choices=[("", "—"), *spec.choice_items()])
    return forms.CharField(**common, max_length=500)


class TicketForm(SecretCheckMixin, forms.Form):
    secret_fields = ("subject", "description")

    request_type = forms.ModelChoiceField(
        label=_("Type of request"), queryset=RequestType.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("Not sure"),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    # Required, so that each error sits next to its own field (a subject that is
    # too long is told so, not that "subject and description are required").
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={"required": _("Give the ticket a subject.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Describe what is happening.")},
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services concerned"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    watchers = forms.ModelMultipleChoiceField(
        label=_("Keep informed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People of your organisation who will see and follow this ticket."),
    )
    attachments = AttachmentsField(
        label=_("Attachments"),
        help_text=_("Logs, screenshots, PDFs, configurations, diagrams."),
    )
    send_anyway = forms.BooleanField(label=_("I have checked: send it as it is"), required=False)

    def __init__(self, *args, organisation, user, client_sets_priority, request_type=None, **kw):
        super().__init__(*args, **kw)
        self.organisation = organisation
        self.fields["request_type"].queryset = RequestType.objects.available_to(organisation)
        self.fields["services"].queryset = organisation.services.active()
        self.fields["watchers"].queryset = (
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__is_active=True,
                is_active=True,
            )
            .exclude(pk=user.pk)
            .order_by("display_name")
        )
        if not self.fields["services"].queryset.exists():
            del self.fields["services"]
        if not client_sets_priority:
            del self.fields["priority"]
        else:
            self.fields["priority"].initial = Priority.MEDIUM
        self.request_type = request_type
        self.extra_specs = list(request_type.fields.all()) if request_type else []
        for spec in self.extra_specs:
            self.fields[f"extra_{spec.key}"] = _extra_field(spec)

    def clean(self):
        data = super().clean()
        self._check_secrets()
        return data

    def extra_values(self) -> dict:
        values = {}
        for spec in self.extra_specs:
            value = self.cleaned_data.get(f"extra_{spec.key}")
            if value not in (None, ""):
                values[spec.key] = {"label": spec.label, "value": str(value)}
        return values


class ReplyForm(SecretCheckMixin, forms.Form):
    secret_fields = ("body",)

    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    attachments = AttachmentsField(label=_("Attach files"))
    send_anyway = forms.BooleanField(label=_("I have checked: send it as it is"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments"):
            raise ValidationError(_("Write a message or attach a file."))
        self._check_secrets()
        return data


class ListFilterForm(forms.Form):
    # The search box stops at Q_MAX_LENGTH characters; a longer q (a pasted
    # text, a crafted URL) is searched by its start rather than refused.
    Q_MAX_LENGTH = 100
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Any category"),
    )
    requester = forms.ModelChoiceField(
        label=_("Requester"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    STATUS_GROUPS = {
        "active": _("Open (all)"),
        "waiting": _("Waiting on you"),
        "done": _("Resolved or closed"),
    }

    shortened = False

    def clean_q(self):
        q = self.cleaned_data["q"]
        self.shortened = len(q) > self.Q_MAX_LENGTH  # said on the page, next to the box
        return q[: self.Q_MAX_LENGTH].strip()

    def __init__(self, *args, organisations, requesters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Any status")),
            *self.STATUS_GROUPS.items(),
            *Status.choices,
        ]
        if requesters is None:
            del self.fields["requester"]  # members only see their own and followed tickets
        else:
            self.fields["requester"].queryset = requesters
        if len(organisations) > 1:
            self.fields["organisation"].choices = [
                ("", _("Current organisation")),
                ("all", _("All my organisations")),
                *[(str(o.pk), o.name) for o in organisations],
            ]
        else:
            del self.fields["organisation"]


class EscalateForm(forms.Form):
    # The same limits as the services, so the browser stops the typing there too.
    reason = forms.CharField(
        label=_("Why does this need escalating?"),
        max_length=ESCALATION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell us why this needs escalating.")},
    )


class CallForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"),
        max_length=CALL_PHONE_MAX,
        error_messages={"required": _("Give a phone number we can call.")},
    )
    preferred_time = forms.CharField(
        label=_("When suits you?"),
        max_length=CALL_TIME_MAX,
        required=False,
        help_text=_("For example: today after 15:00"),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WatcherForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            memberships__organisation_id=ticket.organisation_id,
            memberships__is_active=True,
            is_active=True,
        ).order_by("display_name")
