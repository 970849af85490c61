from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    """The admin site opens only to an administrator whose session a second factor verified.

    accounts.middleware.TwoFactorMiddleware already holds an unverified user at the second
    factor; this is the admin's own lock, should the middleware ever be left out.
    """

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_verified()


class PortalAdminConfig(AdminConfig):
    default_site = "msc_portal.admin.PortalAdminSite"
