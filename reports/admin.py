from django import forms
from django.contrib import admin

from .indicators import registry
from .models import IndicatorTarget, Project, ProjectIndicator, ReportRun


class ProjectIndicatorForm(forms.ModelForm):
    indicator = forms.ChoiceField(choices=())

    class Meta:
        model = ProjectIndicator
        fields = ["indicator", "baseline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = sorted(
            (item.identifier, str(item.name)) for item in registry.values()
        )


class ProjectIndicatorInline(admin.TabularInline):
    model = ProjectIndicator
    form = ProjectIndicatorForm
    extra = 0
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "donors", "start", "end", "monthly_report"]
    search_fields = ["name", "donors"]
    inlines = [ProjectIndicatorInline]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1


@admin.register(ProjectIndicator)
class ProjectIndicatorAdmin(admin.ModelAdmin):
    form = ProjectIndicatorForm
    list_display = ["project", "indicator", "baseline"]
    list_filter = ["project"]
    inlines = [IndicatorTargetInline]


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["exporter", "output_format", "status", "requested_by", "created_at"]
    list_filter = ["status", "exporter", "output_format"]
    readonly_fields = [field.name for field in ReportRun._meta.fields]

    def has_add_permission(self, request):
        return False
