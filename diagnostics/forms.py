from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind
from .targets import QUERY_TYPES


class ClientRunForm(forms.Form):
    """What a client may ask for: a kind, a target, and a ticket it is about."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(k, label) for k, label in Kind.choices if k != Kind.HTTP],
    )
    target = forms.CharField(
        label=_("Target"),
        max_length=255,
        required=False,
        help_text=_("A host name or address of your organisation's services."),
    )
    query_type = forms.ChoiceField(label=_("DNS record type"), choices=QUERY_TYPES, required=False)
    query_argument = forms.CharField(label=_("DNS name asked"), required=False, max_length=255)
    ticket = forms.ChoiceField(label=_("About the ticket"), required=False)

    def __init__(self, *args, tickets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].choices = [
            ("", _("None")),
            *[(t.number, f"{t.number} · {t.subject}") for t in tickets],
        ]

    def options(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == Kind.DNS:
            return {
                "query_type": data["query_type"] or "A",
                "query_argument": data["query_argument"],
            }
        if data["kind"] == Kind.TRACEROUTE:
            return {"protocol": "ICMP"}
        return {}
