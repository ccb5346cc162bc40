"""The client's forms: a wish, a comment, the board's filters."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from contracts.models import Service
from tickets.forms import AttachmentsField, SecretCheckMixin

from .states import VALUE_GUIDANCE, Value


class _WishSecrets(SecretCheckMixin):
    def secret_warning(self, found) -> str:
        return _(
            "This looks like it contains %(what)s. Anyone who can see the wish will read it. "
            "Remove it, or tick the box to send it as it is."
        ) % {"what": ", ".join(found)}


class ValueSelect(forms.RadioSelect):
    """The business values, each with a sentence that says when it applies."""

    option_template_name = "wishes/_value_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["guidance"] = VALUE_GUIDANCE.get(value, "")
        return option


class WishForm(_WishSecrets, forms.Form):
    secret_fields = ("title", "description")

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What and why"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What should change, who it helps and what it costs you today without it."
        ),
    )
    services = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Affected services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value = forms.ChoiceField(
        label=gettext_lazy("Business value"),
        choices=Value.choices,
        initial=Value.MEDIUM,
        widget=ValueSelect,
    )
    desired_date = forms.DateField(
        label=gettext_lazy("Desired date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional: when you would need it."),
    )
    visible_to_organisation = forms.BooleanField(
        label=gettext_lazy("Visible to my organisation"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Colleagues can read it and vote for it. Managers always see it."),
    )
    attachments = AttachmentsField(
        label=gettext_lazy("Attachments"),
        help_text=gettext_lazy("Screenshots, documents, diagrams."),
    )
    send_anyway = forms.BooleanField(
        label=gettext_lazy("I have checked: send it as it is"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = organisation.services.active().order_by("name")
        if not self.fields["services"].queryset.exists():
            del self.fields["services"]

    def clean(self):
        data = super().clean()
        self._check_secrets()
        return data


class CommentForm(_WishSecrets, forms.Form):
    secret_fields = ("body",)

    body = forms.CharField(
        label=gettext_lazy("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachments = AttachmentsField(label=gettext_lazy("Attach files"))
    send_anyway = forms.BooleanField(
        label=gettext_lazy("I have checked: send it as it is"), required=False
    )

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        self._check_secrets()
        return data


class BoardFilterForm(forms.Form):
    Q_MAX_LENGTH = 100
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("All services"),
    )
    value = forms.ChoiceField(label=gettext_lazy("Value"), required=False)
    author = forms.ModelChoiceField(
        label=gettext_lazy("Asked by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    mine = forms.BooleanField(label=gettext_lazy("Only mine"), required=False)

    def __init__(self, *args, organisation, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = organisation.services.order_by("name")
        self.fields["value"].choices = [("", _("Any value")), *Value.choices]
        self.fields["author"].queryset = authors

    def clean_q(self):
        return (self.cleaned_data.get("q") or "").strip()[: self.Q_MAX_LENGTH]
