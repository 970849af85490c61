from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("centres.api.urls")),
    path("", include("counselling.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("skills.api.urls")),
    path("", include("returns.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("centres/", include("centres.urls")),
    path("counselling/", include("counselling.urls")),
    path("reports/", include("reports.urls")),
    path("skills/", include("skills.urls")),
    path("returns/", include("returns.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
]

handler403 = "msc_portal.views.permission_denied"
handler404 = "msc_portal.views.page_not_found"
handler500 = "msc_portal.views.server_error"
