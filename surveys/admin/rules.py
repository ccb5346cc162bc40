"""When forms go out by themselves: after a closed ticket, and every quarter."""

from django.contrib import admin

from ..models import FollowUp, Schedule


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["form", "is_active", "close_after_days"]
    list_filter = ["is_active"]
    list_select_related = ["form"]
    filter_horizontal = ["request_types"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["form", "audience", "is_active", "open_days"]
    list_filter = ["is_active", "audience"]
    list_select_related = ["form"]
    filter_horizontal = ["organisations"]
