from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    """The admin site opens only to an administrator whose session a second factor verified.

    accounts.middleware.TwoFactorMiddleware already holds an unverified user at the second
    factor; this is the admin's own lock, should the middleware ever be left out. Only the demo
    (DEMO_MODE, TWO_FACTOR_REQUIRED off) opens it after the password alone.
    """

    def has_permission(self, request):
        verified = request.user.is_verified() or not settings.TWO_FACTOR_REQUIRED
        return super().has_permission(request) and verified


class PortalAdminConfig(AdminConfig):
    default_site = "msc_portal.admin.PortalAdminSite"
