"""Forms of the staff's wish screens: the wish page, the board's move page and filters.

They validate only. What a form asks for is done through wishes.services, which
stays the one authority on which move is allowed (states.TRANSITIONS).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from contracts.models import BankKind, Contract, Service
from tickets.admin_forms import MultipleFileField
from tickets.states import Priority

from .. import states
from ..models import Wish
from ..states import STAFF, RefusalReason, Value, WishStatus

BLANK = [("", "---------")]
# What a decision carries besides the move itself.
CARRIED = ("client_note", "reason", "estimate", "paid_from_bank", "plan_date")


def has_hours_bank(organisation) -> bool:
    """The organisation has a contract with an hours bank running today."""
    return (
        Contract.objects.filter(organisation=organisation)
        .active_on(timezone.localdate())
        .exclude(bank_kind=BankKind.NONE)
        .exists()
    )


class MoveFields(forms.Form):
    """A decision on a wish: where it moves, and what the move carries to the client."""

    move_to = forms.ChoiceField(label=_("Move to"), required=False)
    client_note = forms.CharField(
        label=_("Note to the client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ticket-composer__text"}),
        help_text=_("Needed when asking for changes; explains a refusal. The client reads it."),
    )
    reason = forms.ChoiceField(
        label=_("Why it is not accepted"),
        required=False,
        choices=[*BLANK, *RefusalReason.choices],
        help_text=_("Only when the wish is not accepted; “another reason” needs the note."),
    )
    estimate = forms.DecimalField(
        label=_("Estimate (hours)"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    paid_from_bank = forms.BooleanField(
        label=_("Paid from the hours bank"),
        required=False,
        help_text=_("The estimate will be spent from the organisation's hours bank."),
    )
    plan_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Needed to plan the wish."),
    )
    # The status the page showed: a decision taken on a stale page is not applied.
    seen_status = forms.CharField(required=False, widget=forms.HiddenInput)

    wish: Wish

    def offer_moves(self, wish):
        self.wish = wish
        if "move_to" not in self.fields:
            return  # the wish page of someone who may not decide, or of a finished wish
        field = self.fields["move_to"]
        # Any status is accepted here and the service judges the move (with its own
        # message); the select offers only the moves states.py gives staff.
        field.choices = [*BLANK, *WishStatus.choices]
        field.widget.choices = [
            ("", _("Keep it as it is")),
            *((s, WishStatus(s).label) for s in states.moves_from(wish.status, STAFF)),
        ]
        self.fields["estimate"].initial = wish.estimate_hours
        self.fields["paid_from_bank"].initial = wish.counts_against_bank
        self.fields["plan_date"].initial = wish.target_date
        self.fields["seen_status"].initial = wish.status

    def clean(self):
        cleaned = super().clean()
        move = cleaned.get("move_to")
        seen = cleaned.get("seen_status")
        if move and seen and seen != self.wish.status:
            self.add_error(
                "move_to",
                _("Meanwhile this wish moved to %(status)s: check it and decide again.")
                % {"status": str(WishStatus(self.wish.status).label).lower()},
            )
        carried = [name for name in CARRIED if name in self.changed_data]
        if carried and not move:
            self.add_error(
                "move_to",
                _(
                    "The note, reason, estimate and target date are saved with a decision: "
                    "choose where the wish moves."
                ),
            )
        if cleaned.get("reason") and move and move != WishStatus.NOT_ACCEPTED:
            self.add_error("reason", _("A reason is given only when the wish is not accepted."))
        if (
            move
            and cleaned.get("paid_from_bank")
            and not self.wish.counts_against_bank
            and not has_hours_bank(self.wish.organisation)
        ):
            self.add_error(
                "paid_from_bank",
                _("%(organisation)s has no hours bank in a current contract.")
                % {"organisation": self.wish.organisation},
            )
        return cleaned

    def move_arguments(self) -> dict:
        """wish_move's keyword arguments (besides the wish and who moves it)."""
        data = self.cleaned_data
        return {
            "to": data["move_to"],
            "note": data.get("client_note", ""),
            "reason": data.get("reason", ""),
            "estimate_hours": data.get("estimate"),
            "counts_against_bank": data.get("paid_from_bank", False),
            "target_date": data.get("plan_date"),
        }


class WishWorkForm(MoveFields, forms.ModelForm):
    """The wish page's form: a comment, an internal note and a decision, saved together.

    Nothing of the wish itself is edited here: every field is the service's input.
    """

    comment = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "ticket-composer__text"}),
        help_text=_("The client and everyone following the wish read it."),
    )
    comment_files = MultipleFileField(label=_("Attachments"))
    internal_note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ticket-composer__text"}),
        help_text=_("Only support staff see it."),
    )
    note_files = MultipleFileField(label=_("Attachments"))

    class Meta:
        model = Wish
        fields: list[str] = []

    # Set by WishAdmin.get_form when a service refused the first attempt at saving
    # this very submission: (field name or None, ValidationError).
    refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.offer_moves(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.refusal:
            field, error = self.refusal
            self.add_error(field if field in self.fields else None, error)
        return cleaned


class MoveForm(MoveFields):
    """The board's move: a card dropped in a column, or its "Move to…" menu."""

    # The cards it lands between in the new column (none: at the column's end).
    after = forms.IntegerField(required=False, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, wish, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_moves(wish)

    def clean_move_to(self):
        move = self.cleaned_data["move_to"]
        if not move:
            raise ValidationError(_("Choose where the wish moves."))
        return move


class ReorderForm(forms.Form):
    """A card's new place in its column: between the cards `after` and `before`."""

    after = forms.IntegerField(required=False)
    before = forms.IntegerField(required=False)
    # The card's up or down button, for the message when it has nowhere to go.
    direction = forms.ChoiceField(required=False, choices=[("up", "up"), ("down", "down")])
    next = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("after") is None and cleaned.get("before") is None:
            if cleaned.get("direction") == "down":
                raise ValidationError(_("The card is already the last of its column."))
            raise ValidationError(_("The card is already the first of its column."))
        return cleaned


class BoardFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.select_related("organisation").order_by(
            "organisation__name", "name"
        ),
        required=False,
        empty_label=_("All services"),
    )
    value = forms.ChoiceField(
        label=_("Business value"),
        required=False,
        choices=[("", _("Any value")), *Value.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].label_from_instance = lambda service: (
            f"{service.organisation.name}: {service}"
        )

    def filter(self, wishes):
        if not self.is_valid():
            return wishes
        data = self.cleaned_data
        if data["organisation"]:
            wishes = wishes.filter(organisation=data["organisation"])
        if data["service"]:
            wishes = wishes.filter(services=data["service"])
        if data["value"]:
            wishes = wishes.filter(value=data["value"])
        return wishes


class TicketFromWishForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "ticket-composer__text"}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)

    def __init__(self, *args, wish, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].initial = f"{wish.number}: {wish.title}"[:200]
        self.fields["description"].initial = wish.description
        self.fields["priority"].initial = Priority.MEDIUM
