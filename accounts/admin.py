from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit

from . import second_factor, zones
from .models import (
    Invitation,
    Membership,
    Organisation,
    Partner,
    PartnerAssignment,
    SecurityKey,
    User,
)


class ZoneChoices:
    """The time zone select as in the portal (accounts.zones): by region, readable,
    without the database's aliases and internals; a stored alias stays valid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "timezone" in self.fields:
            current = self.instance.timezone if self.instance.pk else None
            self.fields["timezone"].choices = zones.choices(current=current)


class OrganisationForm(ZoneChoices, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "country", "timezone", "default_language", "is_active"]


def _audit_membership(request, form, membership, *, added: bool) -> None:
    """A role or access staff give or change: a team event the managers see.

    The same rows as a change made in the portal (accounts.services), so that an
    organisation's security events do not miss what staff did in the admin.
    """
    if added:
        changes = {"role": [None, membership.role]}
        audit.record(
            action=audit.Action.ROLE_CHANGED,
            request=request,
            target=membership,
            organisation=membership.organisation,
            changes=changes,
            extra={"added": True},
        )
        return
    if "role" in form.changed_data:
        audit.record(
            action=audit.Action.ROLE_CHANGED,
            request=request,
            target=membership,
            organisation=membership.organisation,
            changes={"role": [form.initial.get("role"), membership.role]},
        )
    if "is_active" in form.changed_data:
        audit.record(
            action=audit.Action.MEMBER_REACTIVATED
            if membership.is_active
            else audit.Action.MEMBER_DEACTIVATED,
            request=request,
            target=membership,
            organisation=membership.organisation,
        )


class MembershipsAudited:
    """For the admins that edit memberships, directly or as inline rows."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(obj, Membership):
            _audit_membership(request, form, obj, added=not change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        added = {id(obj) for obj in formset.new_objects}
        changed = {id(obj) for obj, _fields in formset.changed_objects}
        for row in formset.forms:
            if id(row.instance) in added | changed:
                _audit_membership(request, row, row.instance, added=id(row.instance) in added)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]


class PartnerAssignmentInline(admin.TabularInline):
    model = PartnerAssignment
    extra = 0
    autocomplete_fields = ["organisation", "partner"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(MembershipsAudited, admin.ModelAdmin):
    form = OrganisationForm
    list_display = [
        "name",
        "slug",
        "country",
        "timezone",
        "default_language",
        "require_second_factor",
        "is_active",
    ]
    list_filter = ["is_active", "require_second_factor", "country", "default_language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, PartnerAssignmentInline]


class UserCreation(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


class UserChange(ZoneChoices, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(MembershipsAudited, BaseUserAdmin):
    form = UserChange
    add_form = UserCreation
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "language",
        "partner",
        "is_staff",
        "is_active",
        "has_second_factor",
    ]
    list_filter = ["is_staff", "is_active", "language", "groups", "partner"]
    actions = ["reset_second_factor"]
    search_fields = ["email", "display_name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language", "timezone", "phone", "partner"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "password1", "password2"],
            },
        )
    ]
    inlines = [UserMembershipInline]

    def get_queryset(self, request):
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        keys = SecurityKey.objects.filter(user=OuterRef("pk"))
        return super().get_queryset(request).annotate(second_factor=Exists(devices) | Exists(keys))

    @admin.display(description=_("two-step verification"), boolean=True, ordering="second_factor")
    def has_second_factor(self, user):
        return user.second_factor

    @admin.action(description=_("Reset two-step verification (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """The client lost their phone and their recovery codes: they set it up anew.

        Audited, and the person is told by e-mail. Staff accounts only by a superuser.
        """
        done = skipped = 0
        for user in queryset:
            if user.is_staff and not request.user.is_superuser:
                skipped += 1
                continue
            done += second_factor.reset_by_staff(user=user, request=request)
        if done:
            self.message_user(
                request,
                ngettext(
                    "Two-step verification was reset for %(count)d person; "
                    "they have been told by e-mail.",
                    "Two-step verification was reset for %(count)d people; "
                    "they have been told by e-mail.",
                    done,
                )
                % {"count": done},
            )
        if skipped:
            self.message_user(
                request,
                _("Only a superuser can reset a staff account's two-step verification."),
                level="warning",
            )
        if not done and not skipped:
            self.message_user(
                request, _("None of them had two-step verification turned on."), level="warning"
            )


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
    inlines = [PartnerAssignmentInline]


@admin.register(Membership)
class MembershipAdmin(MembershipsAudited, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by", "invited_by"]


# The devices hold the authenticators' secrets: never shown, even to superusers;
# staff reset a lost factor with the action on the people's list.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
