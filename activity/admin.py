from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "verb", "organisation", "actor", "visibility", "dispatched_at"]
    list_filter = ["visibility", "verb", "organisation"]
    list_select_related = ["organisation", "actor"]
    search_fields = ["verb", "organisation__name", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]
