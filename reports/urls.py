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
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_edit, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/indicators/add/", views.project_indicator_add, name="indicator_add"),
    path(
        "project-indicators/<int:pk>/remove/",
        views.project_indicator_remove,
        name="indicator_remove",
    ),
    path(
        "project-indicators/<int:indicator_pk>/targets/new/",
        views.target_edit,
        name="target_create",
    ),
    path(
        "project-indicators/<int:indicator_pk>/targets/<int:pk>/",
        views.target_edit,
        name="target_edit",
    ),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("count-indicators/new/", views.count_indicator_edit, name="count_indicator_create"),
    path("count-indicators/<int:pk>/", views.count_indicator_edit, name="count_indicator_edit"),
]
