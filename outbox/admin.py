from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = ["task", ("dispatched_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Message._meta.fields]
