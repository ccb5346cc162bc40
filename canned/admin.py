"""Staff screens: canned replies, signatures, and the picker's two JSON endpoints.

Agents manage their personal replies and read their teams' and everyone's;
supervisors (MANAGE_SHARED) manage those too. Each agent edits only their own
signature ("My signature"); supervisors (VIEW_ALL_SIGNATURES) read everyone's.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.configtext import ALL, column
from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets
from tickets.models import Ticket

from . import placeholders, services
from .models import MANAGE_SHARED, VIEW_ALL_SIGNATURES, CannedReply, Scope, Signature

USE = "canned.view_cannedreply"


def reachable_ticket(request, raw):
    """The ticket of that id if `request.user` may open it in the admin, else a 404."""
    raw = str(raw or "")
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404
    try:
        ticket_admin = admin.site.get_model_admin(Ticket)
    except admin.sites.NotRegistered as missing:
        raise Http404 from missing
    # The admin's own reading of tickets, so that whatever scoping it applies applies here.
    read = getattr(ticket_admin, "tickets", ticket_admin.get_queryset)
    ticket = read(request).select_related("requester", "organisation").filter(pk=int(raw)).first()
    if ticket is None or not ticket_admin.has_view_permission(request, ticket):
        raise Http404
    return ticket


def _refusal(request):
    """A 403 for anyone but active staff allowed to use canned replies (JSON, not a login page)."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff and user.has_perm(USE)):
        return JsonResponse({"error": gettext("You may not use canned replies.")}, status=403)
    return None


class CannedReplyForm(forms.ModelForm):
    user = None  # the editor, set by the admin's get_form

    class Meta:
        model = CannedReply
        # The owner is never chosen: a personal reply is its author's (clean below).
        fields = [
            "scope",
            "group",
            *(column(field, code) for field in CannedReply.translated_fields for code in ALL),
        ]

    def clean(self):
        data = super().clean()
        # Before the model's checks: a personal reply is its author's.
        if data.get("scope", self.instance.scope) == Scope.PERSONAL and not self.instance.owner_id:
            self.instance.owner = self.user
        return data


@admin.register(CannedReply)
class CannedReplyAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    form = CannedReplyForm
    list_display = ("shown_title", "scope", "shared_with", "missing_languages", "uses")
    list_filter = ("scope",)
    search_fields = [column(field, code) for field in ("title", "body") for code in ALL]
    readonly_fields = ("uses", "missing_languages")

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj):
        return obj.tr("title")

    @admin.display(description=_("used by"))
    def shared_with(self, obj):
        if obj.scope == Scope.TEAM:
            return obj.group.name if obj.group_id else "—"
        if obj.scope == Scope.PERSONAL:
            return str(obj.owner)
        return gettext("All staff")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=CannedReply.objects.manageable_by(request.user).values("pk"))
            .select_related("owner", "group")
        )

    def _may_manage(self, request, obj):
        if obj is None:
            return True
        if obj.scope == Scope.PERSONAL:
            return obj.owner_id == request.user.pk
        return request.user.has_perm(MANAGE_SHARED)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def get_fieldsets(self, request, obj=None):
        shared = request.user.has_perm(MANAGE_SHARED) or (obj and obj.scope != Scope.PERSONAL)
        head = [(None, {"fields": ["scope", "group"]})] if shared else []
        texts = language_fieldsets("title", "body")
        texts[0][1]["description"] = placeholders.help_text()
        tail = [(_("Use"), {"fields": ["uses", "missing_languages"]})] if obj else []
        return [*head, *texts, *tail]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if "scope" in form.base_fields and not request.user.has_perm(MANAGE_SHARED):
            form.base_fields["scope"].choices = [(Scope.PERSONAL, Scope.PERSONAL.label)]
        if "group" in form.base_fields:
            form.base_fields["group"].queryset = Group.objects.order_by("name")
        return form

    def get_urls(self):
        return [
            path("search/", never_cache(self.search_view), name="canned_cannedreply_search"),
            path(
                "render/<int:pk>/",
                never_cache(self.render_view),
                name="canned_cannedreply_render",
            ),
            *super().get_urls(),
        ]

    def search_view(self, request):
        """`?q=&ticket=<pk>`: [{id, title, preview}] in the ticket's client's language."""
        refused = _refusal(request)
        if refused:
            return refused
        ticket = reachable_ticket(request, request.GET.get("ticket"))
        found = services.search(request.user, ticket, request.GET.get("q", ""))
        return JsonResponse(found, safe=False)

    def render_view(self, request, pk):
        """`?ticket=<pk>`: {text} of one reply, filled in for that ticket."""
        refused = _refusal(request)
        if refused:
            return refused
        ticket = reachable_ticket(request, request.GET.get("ticket"))
        reply = CannedReply.objects.visible_to(request.user).filter(pk=pk).first()
        if reply is None:
            raise Http404
        shown = services.render(reply, ticket, request.user)
        services.record_use(reply)
        return JsonResponse(shown)


@admin.register(Signature)
class SignatureAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "missing_languages", "updated_at")
    change_list_template = "admin/canned/signature/change_list.html"
    readonly_fields = ("user",)
    fieldsets = language_fieldsets("text")

    def _sees_all(self, request):
        return request.user.has_perm(VIEW_ALL_SIGNATURES)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if self._sees_all(request) else queryset.filter(user=request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [(None, {"fields": ["user"]}), *fieldsets] if obj else fieldsets

    def has_add_permission(self, request):
        mine = Signature.objects.filter(user=request.user).exists()
        return super().has_add_permission(request) and not mine

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.user_id == request.user.pk)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.user_id == request.user.pk)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        mine = self.admin_site.admin_view(self.my_signature_view)
        return [path("mine/", mine, name="canned_signature_mine"), *super().get_urls()]

    def my_signature_view(self, request):
        """The agent's own signature: its page, or the form to write it."""
        signature = Signature.objects.filter(user=request.user).first()
        if signature is not None:
            return redirect(reverse("admin:canned_signature_change", args=[signature.pk]))
        if not self.has_add_permission(request):
            raise Http404
        return redirect(reverse("admin:canned_signature_add"))

    def changelist_view(self, request, extra_context=None):
        # An agent has one signature to read: theirs.
        if not self._sees_all(request) and self.has_view_or_change_permission(request):
            return self.my_signature_view(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id) if object_id else None
        if object_id is None or (obj is not None and obj.user_id == request.user.pk):
            extra_context["title"] = gettext("My signature")
        return super().changeform_view(request, object_id, form_url, extra_context)
