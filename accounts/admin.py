from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserChangeForm, UserCreationForm
from .models import CentreMembership, User


class CentreMembershipInline(admin.TabularInline):
    model = CentreMembership
    extra = 0
    autocomplete_fields = ["centre"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "role", "country", "is_active"]
    list_filter = ["role", "country", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [CentreMembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language", "timezone"]}),
        (_("Role and scope"), {"fields": ["role", "country", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "country", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []
