from django.contrib import admin

from .models import IscoGroup, Occupation, Sector, Skill, SkillDemand, TrainingOpportunity


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(IscoGroup)
class IscoGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "isco_group"]
    search_fields = ["name", "alt_labels", "esco_uri"]
    raw_id_fields = ["isco_group"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "skill_type", "reuse_level", "esco_uri"]
    list_filter = ["skill_type", "reuse_level"]
    search_fields = ["name", "alt_labels", "esco_uri"]
    filter_horizontal = ["sectors"]


@admin.register(SkillDemand)
class SkillDemandAdmin(admin.ModelAdmin):
    list_display = ["region", "sector", "demand_label", "shortage", "source_type", "period_end"]
    list_filter = ["region", "section", "source_type", "shortage"]
    search_fields = ["source_name", "skill__name", "occupation__name", "isco_group__name"]
    raw_id_fields = ["sector", "occupation", "isco_group", "skill"]
    list_select_related = ["sector", "occupation", "isco_group", "skill"]

    def save_model(self, request, obj, form, change):
        if not obj.recorded_by_id:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TrainingOpportunity)
class TrainingOpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "country", "kind", "application_deadline", "is_published"]
    list_filter = ["kind", "country", "is_published"]
    search_fields = ["title", "provider"]
    raw_id_fields = ["sector"]
