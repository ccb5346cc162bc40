from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def _version_field():
    # The version the signer reviewed: signing (or declining) another is refused.
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=32767,
        error_messages={
            key: _("The document changed since you opened it: review the new version, then sign.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class SignForm(forms.Form):
    version = _version_field()
    mode = forms.ChoiceField(
        label=_("How do you sign?"),
        choices=[("draw", _("Draw my signature")), ("type", _("Type my signature"))],
        initial="draw",
        widget=forms.RadioSelect,
    )
    # The drawing pad's PNG, as a data URL written by signing/sign.js.
    drawn = forms.CharField(required=False, widget=forms.HiddenInput, max_length=700_000)
    typed_signature = forms.CharField(
        label=_("Your signature, typed"), required=False, max_length=200
    )
    typed_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Type your full name.")},
    )
    consent = forms.BooleanField(
        label=_("I have read and accept the statement above."),
        required=False,
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm it is you who signs."),
    )
    code = forms.CharField(
        label=_("Or the code we e-mailed you"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class DeclineForm(forms.Form):
    version = _version_field()
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sender reads it, so that the document can be corrected."),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("A signed PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Choose the PDF to check.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # A sealed file is its original plus two pages and the seal: room for them.
        if upload.size > 2 * settings.SIGNING_MAX_PDF_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: it cannot be one of our signed documents.")
                % {"size": filesizeformat(2 * settings.SIGNING_MAX_PDF_BYTES)}
            )
        return upload
