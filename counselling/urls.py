from django.urls import path

from . import views

app_name = "counselling"

urlpatterns = [
    path("", views.visitor_list, name="visitor_list"),
    path("search/", views.search, name="search"),
    path("visitors/new/", views.visitor_create, name="visitor_create"),
    path("visitors/merge/", views.visitor_merge, name="visitor_merge"),
    path("visitors/duplicates/", views.duplicate_review, name="duplicate_review"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("visitors/presence/", views.presence_list, name="presence_list"),
    path("visitors/retention/", views.retention_preview, name="retention_preview"),
    path("visitors/<str:code>/", views.visitor_detail, name="visitor_detail"),
    path("visitors/<str:code>/edit/", views.visitor_edit, name="visitor_edit"),
    path("visitors/<str:code>/consent/", views.visitor_consent, name="visitor_consent"),
    path(
        "visitors/<str:code>/consent/<str:purpose>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("visitors/<str:code>/presence/", views.presence_confirm, name="presence_confirm"),
    path("visitors/<str:code>/sessions/new/", views.session_create, name="session_create"),
    path("visitors/<str:code>/referrals/new/", views.referral_create, name="referral_create"),
    path("visitors/<str:code>/card/", views.visitor_card, name="visitor_card"),
    path("visitors/<str:code>/card.pdf", views.visitor_card_pdf, name="visitor_card_pdf"),
    path("visitors/<str:code>/audit/", views.visitor_audit, name="visitor_audit"),
    path(
        "visitors/<str:code>/trainings/new/",
        views.training_interest_create,
        name="training_interest_create",
    ),
    path("visitors/<str:code>/export/", views.visitor_export, name="visitor_export"),
    path("visitors/<str:code>/erase/", views.visitor_erase, name="visitor_erase"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("group-sessions/<int:pk>/edit/", views.group_session_edit, name="group_session_edit"),
    path(
        "group-sessions/<int:pk>/delete/", views.group_session_delete, name="group_session_delete"
    ),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/delete/", views.referral_delete, name="referral_delete"),
    path("sessions/<int:pk>/follow-up-done/", views.follow_up_done, name="follow_up_done"),
    path("group-sessions/", views.group_session_list, name="group_session_list"),
    path("group-sessions/new/", views.group_session_create, name="group_session_create"),
    path("group-sessions/<int:pk>/", views.group_session_detail, name="group_session_detail"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("audit/", views.audit_search, name="audit_search"),
    path("statistics/", views.statistics, name="statistics"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("import/", views.sessions_import, name="sessions_import"),
    path(
        "import/<int:pk>/roll-back/",
        views.session_import_roll_back,
        name="session_import_roll_back",
    ),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/template.csv", views.import_template, name="import_template"),
]
