from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    # Skill needs
    path("needs/", views.need_list, name="need_list"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/move/", views.need_move, name="need_move"),
    path("needs/<int:pk>/matches/", views.need_matches, name="need_matches"),
    path("needs/<int:need_pk>/apply/", views.application_create, name="application_create"),
    path("workspace/needs/", views.need_manage, name="need_manage"),
    # Host institutions
    path("hosts/", views.host_list, name="host_list"),
    path("hosts/register/", views.host_register, name="host_register"),
    path("hosts/<int:pk>/", views.host_detail, name="host_detail"),
    path("hosts/<int:pk>/verify/", views.host_verify, name="host_verify"),
    path("hosts/<int:pk>/invite/", views.host_invite, name="host_invite"),
    path("hosts/<int:host_pk>/needs/new/", views.need_create, name="need_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Experts
    path("experts/register/", views.expert_register, name="expert_register"),
    path(
        "experts/activate/<str:uidb64>/<str:token>/",
        views.expert_activate,
        name="expert_activate",
    ),
    path("activation/resend/", views.activation_resend, name="activation_resend"),
    path("experts/me/", views.expert_profile, name="expert_profile"),
    path("experts/me/cv/", views.expert_cv_upload, name="expert_cv_upload"),
    path("experts/me/data.json", views.expert_export, name="expert_export"),
    path("experts/me/delete/", views.expert_delete, name="expert_delete"),
    path("experts/me/needs/", views.expert_needs, name="expert_needs"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/cv.pdf", views.expert_cv, name="expert_cv"),
    # Applications and assignments
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/move/", views.assignment_move, name="assignment_move"),
    path("assignments/<int:pk>/report/", views.assignment_report, name="assignment_report"),
    path("assignments/<int:pk>/evaluate/", views.assignment_evaluate, name="assignment_evaluate"),
    # Surveys
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("surveys/questions/", views.survey_questions, name="survey_questions"),
    path("surveys/questions/new/", views.survey_question_edit, name="survey_question_create"),
    path("surveys/questions/<int:pk>/", views.survey_question_edit, name="survey_question_edit"),
    path("surveys/answers.<str:fmt>", views.survey_export, name="survey_export"),
    # Capacity building of officials
    path("capacity/", views.capacity_overview, name="capacity_overview"),
    path("capacity/trainings/new/", views.official_training_edit, name="official_training_create"),
    path(
        "capacity/trainings/<int:pk>/", views.official_training_edit, name="official_training_edit"
    ),
    path("capacity/internships/new/", views.internship_edit, name="internship_create"),
    path("capacity/internships/<int:pk>/", views.internship_edit, name="internship_edit"),
]
