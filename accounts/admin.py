from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserChangeForm, UserCreationForm
from .models import CentreMembership, User


class CentreMembershipInline(admin.TabularInline):
    """Shown, never changed here: memberships open visitors' records, so the centre's manager,
    the country coordinator or the programme manager grants them in the portal."""

    model = CentreMembership
    extra = 0
    fields = readonly_fields = ["centre", "since"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts for administrators, who stay technical (SECURITY.md): they create accounts
    without access to personal data and deactivate them, but role, country and centres, which
    open visitors' records, are read-only here and granted in the portal by those who own the
    decision (accounts.services.user_access_grant)."""

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
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["role", "country", "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        # A new account gets a role without personal data (UserCreationForm limits the choice).
        if obj is None:
            return ["last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    filter_horizontal = []


class _KeptLogAdmin:
    """Sign-ins are part of the audit trail: administrators read them but cannot delete them
    (lifting a lockout deletes access attempts, which stay deletable)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, model_admin in [(AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (_KeptLogAdmin, model_admin), {}))
