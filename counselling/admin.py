from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """The topic catalogue is configured here; visitors and sessions stay out of the admin."""

    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
