from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "verb", "organisation", "actor", "visibility", "dispatched_at"]
    list_filter = ["visibility", "verb", "organisation"]
    list_select_related = ["organisation", "actor"]
    search_fields = ["verb", "organisation__name", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
