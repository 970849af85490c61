from django.urls import path

from . import views

app_name = "skills"

urlpatterns = [
    path("pick/skills/", views.skill_picker, name="skill_picker"),
    path("pick/occupations/", views.occupation_picker, name="occupation_picker"),
    path("pick/isco/", views.isco_picker, name="isco_picker"),
    path("demand/", views.demand_browse, name="demand_browse"),
    path("demand/new/", views.demand_edit, name="demand_create"),
    path("demand/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("demand/import/", views.demand_import, name="demand_import"),
    path("demand/export/<slug:identifier>.<slug:fmt>", views.demand_export, name="demand_export"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_edit, name="training_create"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
]
