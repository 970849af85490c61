from django.contrib import admin

from .models import Centre, PartnerOrganisation


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "city", "host_office", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "city", "code", "host_office"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "city", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "city"]
