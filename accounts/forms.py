from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import zones
from .models import Language, Role, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That e-mail address and password do not match an active account."),
        "inactive": _("This account is inactive."),
    }


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=capfirst(User._meta.get_field("timezone").verbose_name))

    class Meta:
        model = User
        fields = ["display_name", "language", "timezone", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The zones people pick from, by region, the organisation's first; a zone
        # outside them (an alias stored earlier) stays valid for this user only.
        self.fields["timezone"].choices = zones.choices(
            first=organisation.timezone if organisation else None,
            current=self.instance.timezone if self.instance.pk else None,
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RegistrationForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, display_name=data.get("display_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SecondFactorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("Type the 6 digits the app shows after adding the account."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class RequireSecondFactorForm(forms.Form):
    required = forms.BooleanField(
        label=_("Everyone must use two-step verification"),
        required=False,
        help_text=_(
            "Members without it are asked to set it up the next time they open the portal."
        ),
    )


class SecurityKeyForm(forms.Form):
    """A new security key: its name typed by the person, the credential filled in by
    static/accounts/webauthn.js from the browser's answer."""

    name = forms.CharField(
        label=_("Name of the key"),
        max_length=60,
        help_text=_("So that you can tell your keys apart, for example “YubiKey 5” or “Laptop”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20000)
    back = forms.ChoiceField(
        choices=[("security", "security"), ("setup", "setup")],
        initial="security",
        required=False,
        widget=forms.HiddenInput,
    )


class SecurityKeyAssertionForm(forms.Form):
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20000)
