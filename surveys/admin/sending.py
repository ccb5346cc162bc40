"""Sending a form to an organisation, and following who answered.

The add form calls services.send; its refusals (no questions yet, nobody to ask,
a past closing date) show on the form. A sending is not edited afterwards: its
page lists the invitations and their state, and for an anonymous form only the
counts, so the results never say who answered.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, User
from core import plugins
from core.admin import ReadOnlyAdminMixin

from .. import services
from ..models import Audience, Invitation, ResponseStatus, Sending


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name or obj.email} <{obj.email}>" if obj.display_name else obj.email


class SendingForm(forms.ModelForm):
    chosen = PersonChoiceField(
        label=gettext_lazy("chosen people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("With “Chosen people”: members of the organisation."),
    )
    by = None  # who sends; set by SendingAdmin.get_form

    class Meta:
        model = Sending
        fields = [
            "form",
            "organisation",
            "audience",
            "chosen",
            "ticket",
            "wish_number",
            "due_on",
            "remind_at",
            "closes_at",
        ]
        labels = {"wish_number": gettext_lazy("wish")}
        help_texts = {
            "wish_number": gettext_lazy("Its number (WSH-2026-00001), to ask about a wish.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].queryset = (
            User.objects.filter(
                is_active=True,
                is_staff=False,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("email")
        )
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
                is_active=True
            )

    def clean(self):
        data = super().clean()
        organisation, audience = data.get("organisation"), data.get("audience")
        chosen = list(data.get("chosen") or [])
        if audience == Audience.CHOSEN and organisation is not None:
            members = set(
                Membership.objects.filter(
                    organisation=organisation, is_active=True, user__in=chosen
                ).values_list("user_id", flat=True)
            )
            strangers = [person for person in chosen if person.pk not in members]
            if not chosen:
                self.add_error("chosen", _("Choose the people to send it to."))
            elif strangers:
                self.add_error(
                    "chosen",
                    _("Not members of %(organisation)s: %(people)s.")
                    % {
                        "organisation": organisation.name,
                        "people": ", ".join(person.email for person in strangers),
                    },
                )
        elif chosen:
            self.add_error("chosen", _("People are chosen only with “Chosen people”."))
        ticket = data.get("ticket")
        if (
            ticket is not None
            and organisation is not None
            and ticket.organisation_id != organisation.pk
        ):
            self.add_error("ticket", _("This ticket belongs to another organisation."))
        wish = (data.get("wish_number") or "").strip()
        if wish and organisation is not None:
            # Wishes are a sibling app: the wish is found through its declared subject.
            subject = plugins.subjects().get("wish")
            found = subject.load([wish]).get(wish) if subject else None
            if found is None or found.organisation_id != organisation.pk:
                self.add_error(
                    "wish_number", _("This organisation has no wish %(number)s.") % {"number": wish}
                )
        remind_at, closes_at = data.get("remind_at"), data.get("closes_at")
        if remind_at and closes_at and remind_at >= closes_at:
            self.add_error("remind_at", _("The reminder must come before the closing date."))
        return data

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            self._send(self.cleaned_data, list(self.cleaned_data.get("chosen") or []))

    def _send(self, data, chosen):
        # Sent as the last check, inside the admin's transaction, so that the service's
        # refusal is shown on this form; the admin then keeps what it made.
        try:
            self.sent = services.send(
                form=data["form"],
                organisation=data["organisation"],
                audience=data["audience"],
                by=self.by,
                chosen=chosen,
                ticket=data.get("ticket"),
                wish_number=(data.get("wish_number") or "").strip(),
                due_on=data.get("due_on"),
                remind_at=data.get("remind_at"),
                closes_at=data.get("closes_at"),
            )
        except ValidationError as refused:
            self.add_error(None, refused)


class InvitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Invitation
    fields = ["user", "state", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("invitations")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "response")

    def has_view_permission(self, request, obj=None):
        # Part of the sending's page: who may read the sending reads whom it asked.
        return request.user.has_perm("surveys.view_sending")

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        response = getattr(obj, "response", None)
        if response is None:
            return _("not started")
        if response.status == ResponseStatus.SUBMITTED:
            return _("answered")
        return _("draft")

    @admin.display(description=gettext_lazy("answered"))
    def answered_at(self, obj):
        response = getattr(obj, "response", None)
        return response.submitted_at if response is not None and response.submitted_at else "—"


@admin.register(Sending)
class SendingAdmin(admin.ModelAdmin):
    form = SendingForm
    list_display = ["form", "organisation", "trigger", "created_at", "answered_of_invited"]
    list_filter = ["trigger", "form", "organisation"]
    list_select_related = ["form", "organisation"]
    search_fields = ["form__title", "organisation__name"]
    raw_id_fields = ["ticket"]
    inlines = [InvitationInline]
    date_hierarchy = "created_at"
    shown = [
        "form",
        "version",
        "organisation",
        "audience",
        "trigger",
        "ticket",
        "wish_number",
        "period",
        "due_on",
        "remind_at",
        "reminded_at",
        "closes_at",
        "closed_at",
        "created_by",
        "created_at",
        "counts",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited=Count("invitations", distinct=True),
                answered=Count(
                    "invitations",
                    filter=Q(invitations__response__status=ResponseStatus.SUBMITTED),
                    distinct=True,
                ),
                drafts=Count(
                    "invitations",
                    filter=Q(invitations__response__status=ResponseStatus.DRAFT),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=gettext_lazy("answered / invited"), ordering="answered")
    def answered_of_invited(self, obj):
        return f"{obj.answered} / {obj.invited}"

    @admin.display(description=gettext_lazy("answers"))
    def counts(self, obj):
        return _("%(answered)s answered, %(drafts)s started, %(invited)s invited") % {
            "answered": obj.answered,
            "drafts": obj.drafts,
            "invited": obj.invited,
        }

    def get_fields(self, request, obj=None):
        return self.shown if obj is not None else SendingForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return self.shown if obj is not None else []

    def get_inlines(self, request, obj):
        if obj is None or obj.form.anonymous:
            return []  # an anonymous form's page says how many, never who
        return self.inlines

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form = type(form.__name__, (form,), {"by": request.user})
        return form

    def save_form(self, request, form, change):
        return form.sent if not change else super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        pass  # services.send made it while the form was checked

    def save_related(self, request, form, formsets, change):
        pass  # the chosen people became its invitations

    def has_change_permission(self, request, obj=None):
        # A sending is made once and then followed: its page is read-only.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
