from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Eligibility rules are reference data that administrators keep; personal data stays out."""

    list_display = ["name", "code", "min_isced", "min_years_experience", "min_days", "max_days"]
    fields = [
        "code",
        "name",
        "is_default",
        "origin_countries",
        "residence_countries",
        "min_isced",
        "min_years_experience",
        "min_days",
        "max_days",
    ]
