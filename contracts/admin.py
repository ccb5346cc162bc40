from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "identifier", "status"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["name", "identifier", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
