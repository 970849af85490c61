from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.builder, name="builder"),
    path("research/", views.research_export, name="research_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
    path(
        "runs/<int:pk>/download/<slug:output_format>/",
        views.run_download,
        name="run_download_format",
    ),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("runs/<int:pk>/submit/", views.run_submit, name="run_submit"),
]
