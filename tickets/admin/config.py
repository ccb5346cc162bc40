"""The supervisors' ticket configuration: request sections, types and their fields,
categories, priority rules, ticket policies and recurring tickets."""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.configtext import LANGS
from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets

from ..admin_forms import RecurringTicketForm
from ..models import (
    Category,
    PriorityRule,
    RecurringTicket,
    RequestSection,
    RequestType,
    RequestTypeField,
    TicketPolicy,
)
from .queue import QUEUE_RANKS


def _translation_fields(*fields):
    return [f"{field}_{lang}" for field in fields for lang in LANGS]


# --- Configuration (supervisors) -------------------------------------------


@admin.register(RequestSection)
class RequestSectionAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["shown_name", "order", "missing_languages"]
    list_editable = ["order"]
    search_fields = ["name", *_translation_fields("name")]
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["order", "missing_languages"]}),
        *language_fieldsets("name"),
    ]


class RequestTypeFieldInline(admin.StackedInline):
    model = RequestTypeField
    extra = 0
    fieldsets = [
        (None, {"fields": [("key", "kind", "required", "order")]}),
        *[
            (title, {"fields": [tuple(options["fields"])]})
            for title, options in language_fieldsets("label", "help_text", "choices")
        ],
    ]


@admin.register(RequestType)
class RequestTypeAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "shown_name",
        "section",
        "default_priority",
        "default_category",
        "order",
        "is_active",
        "missing_languages",
    ]
    list_filter = ["is_active", "section", "default_priority"]
    list_select_related = ["section", "default_category"]
    search_fields = ["name", "description", *_translation_fields("name")]
    filter_horizontal = ["organisations"]
    readonly_fields = ["missing_languages"]
    inlines = [RequestTypeFieldInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("section", "order", "is_active"),
                    ("default_priority", "default_category"),
                    "organisations",
                    "missing_languages",
                ]
            },
        ),
        *language_fieldsets("name", "description", "guidance"),
    ]


@admin.register(Category)
class CategoryAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["shown_name", "slug", "order", "is_active", "missing_languages"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", *_translation_fields("name")]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["slug", ("order", "is_active"), "missing_languages"]}),
        *language_fieldsets("name"),
    ]


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ["request_type", "category", "rule_priority"]
    list_filter = ["priority", "request_type", "category"]
    list_select_related = ["request_type", "category"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(priority_rank=QUEUE_RANKS["priority_rank"])

    # Like the queue: by urgency, not alphabetically.
    @admin.display(description=_("priority"), ordering=F("priority_rank").desc())
    def rule_priority(self, obj):
        return obj.get_priority_display()


@admin.register(TicketPolicy)
class TicketPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "client_sets_priority", "auto_close_days"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]


def _recurring_schedule():
    """tickets.recurring.recurring_schedule, once that module provides it."""
    try:
        from tickets import recurring
    except ModuleNotFoundError as missing:
        if missing.name != "tickets.recurring":
            raise
        return None
    return getattr(recurring, "recurring_schedule", None)


@admin.register(RecurringTicket)
class RecurringTicketAdmin(admin.ModelAdmin):
    form = RecurringTicketForm
    list_display = ["subject", "organisation", "frequency", "next_run_at", "is_active"]
    list_filter = ["is_active", "frequency", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["subject", "organisation__name"]
    autocomplete_fields = ["organisation", "requester"]
    readonly_fields = ["next_run_at"]
    fieldsets = [
        (None, {"fields": [("organisation", "requester"), "subject", "description"]}),
        (_("Ticket"), {"fields": [("request_type", "category", "priority")]}),
        (
            _("Schedule"),
            {
                "fields": [
                    ("frequency", "start_date", "time"),
                    ("weekday", "day_of_month"),
                    ("is_active", "next_run_at"),
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule = _recurring_schedule()
        if schedule is not None:
            schedule(template=obj)
