from accounts.permissions import Permission
from tests.matrix import Route

COUNSEL = Permission.COUNSEL_VISITORS
# Visitors of centre A: counsellor_b (Albania) may not see them, and gets 404 as if they did
# not exist; personas whose role has no counselling at all get 403 first.
OTHER_CENTRE = {"counsellor_b": 404}


def build_world(request, world):
    from counselling import services
    from counselling.models import ImportJob, SessionImport, VisitorMerge
    from tests.counselling.factories import (
        GroupSessionFactory,
        ReferralFactory,
        SessionFactory,
        make_visitor,
    )

    counsellor_a = request.getfixturevalue("counsellor_a")
    visitor = make_visitor(counsellor_a, world["centre_a"])
    session = SessionFactory(visitor=visitor, counsellor=counsellor_a)
    group = GroupSessionFactory(centre=world["centre_a"], created_by=counsellor_a)
    referral = ReferralFactory(visitor=visitor, created_by=counsellor_a)
    session_import = SessionImport.objects.create(
        centre=world["centre_a"], user=counsellor_a, file_name="log.csv", fingerprint="0" * 64
    )
    manager_a = request.getfixturevalue("manager_a")
    kept = make_visitor(counsellor_a, world["centre_a"])
    services.visitor_merge(
        user=manager_a, keep=kept, remove=make_visitor(counsellor_a, world["centre_a"])
    )
    job = ImportJob.objects.create(
        requested_by=manager_a, centre=world["centre_a"], filename="log.csv", status="rejected"
    )
    return {
        "visitor_a": visitor,
        "session_a": session,
        "group_a": group,
        "referral_a": referral,
        "import_a": session_import,
        "merge_a": VisitorMerge.objects.get(kept=kept),
        "import_job_a": job,
    }


def _code(world):
    return {"code": world["visitor_a"].code}


ROUTES = [
    Route("counselling:visitor_list", permission=COUNSEL),
    Route("counselling:search", permission=COUNSEL, method="post", data={"q": "nobody"}),
    Route("counselling:visitor_create", permission=COUNSEL),
    Route("counselling:visitor_merge", permission=Permission.MANAGE_CENTRE),
    Route("counselling:duplicate_review", permission=Permission.REVIEW_DUPLICATES),
    Route(
        "counselling:merge_undo",
        kwargs=lambda world: {"pk": world["merge_a"].pk},
        method="post",
        ok=302,
        # Managers of the centre and reviewers of duplicates (coordinator, programme) undo.
        overrides=dict.fromkeys(
            ["counsellor_a", "counsellor_b", "host", "expert", "administrator"], 403
        ),
    ),
    Route("counselling:presence_list", permission=Permission.MANAGE_CENTRE),
    Route("counselling:audit_search", permission=Permission.SEARCH_AUDIT),
    Route("counselling:visitor_detail", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route("counselling:visitor_edit", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route(
        "counselling:visitor_consent",
        permission=COUNSEL,
        kwargs=_code,
        method="post",
        data={"purpose": "contact", "given": "on"},
        ok=302,
        overrides=OTHER_CENTRE,
    ),
    Route(
        "counselling:session_create",
        permission=COUNSEL,
        kwargs=_code,
        overrides={"counsellor_b": 302},
        note="another centre's counsellor is sent to the proof of presence first",
    ),
    Route(
        "counselling:presence_confirm",
        permission=COUNSEL,
        kwargs=_code,
        ok=302,
        overrides={"counsellor_b": 200},
        note="the visitor's own scope goes straight to the session form; another centre "
        "is asked for the visitor's proof",
    ),
    Route("counselling:referral_create", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route(
        "counselling:training_interest_create",
        permission=COUNSEL,
        kwargs=_code,
        overrides=OTHER_CENTRE,
    ),
    Route("counselling:visitor_audit", permission=Permission.MANAGE_CENTRE, kwargs=_code),
    Route("counselling:retention_preview", permission=Permission.MANAGE_CENTRE),
    Route("counselling:visitor_export", permission=Permission.MANAGE_CENTRE, kwargs=_code),
    Route(
        "counselling:visitor_erase",
        permission=Permission.MANAGE_CENTRE,
        kwargs=_code,
        note="the confirmation form; erasing is a POST with a reason",
    ),
    Route(
        "counselling:follow_up_done",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["session_a"].pk},
        method="post",
        ok=302,
        overrides=OTHER_CENTRE,
    ),
    Route("counselling:group_session_list", permission=COUNSEL),
    Route("counselling:group_session_create", permission=COUNSEL),
    Route(
        "counselling:group_session_detail",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["group_a"].pk},
        overrides=OTHER_CENTRE,
    ),
    Route("counselling:referral_list", permission=COUNSEL),
    Route(
        "counselling:referral_detail",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["referral_a"].pk},
        overrides=OTHER_CENTRE,
    ),
]

ROUTES += [
    Route("counselling:sessions_import", permission=Permission.MANAGE_CENTRE),
    Route(
        "counselling:import_job",
        permission=Permission.MANAGE_CENTRE,
        personas=frozenset({"manager_a"}),
        kwargs=lambda world: {"pk": world["import_job_a"].pk},
        denied=404,
        note="an import is seen by the person who uploaded it",
    ),
    Route("counselling:import_template", permission=Permission.MANAGE_CENTRE),
    Route("counselling:statistics", permission=Permission.VIEW_CENTRE_STATISTICS),
    Route("api:visitor-list", permission=COUNSEL),
    Route("api:visitor-detail", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route("api:session-list", permission=COUNSEL),
    Route(
        "api:session-detail",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["session_a"].pk},
        overrides=OTHER_CENTRE,
    ),
    Route("api:groupsession-list", permission=COUNSEL),
    Route(
        "api:groupsession-detail",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["group_a"].pk},
        overrides=OTHER_CENTRE,
    ),
    Route("api:referral-list", permission=COUNSEL),
    Route(
        "api:referral-detail",
        permission=COUNSEL,
        kwargs=lambda world: {"pk": world["referral_a"].pk},
        overrides=OTHER_CENTRE,
    ),
]


def _pk(name):
    return lambda world: {"pk": world[name].pk}


# Issue 10: corrections, the card, consent withdrawal, data quality, import roll-back, writes.
ROUTES += [
    *(
        Route(f"counselling:{name}", permission=COUNSEL, kwargs=_pk(obj), overrides=OTHER_CENTRE)
        for name, obj in (
            ("session_edit", "session_a"),
            ("session_delete", "session_a"),
            ("group_session_edit", "group_a"),
            ("group_session_delete", "group_a"),
            ("referral_edit", "referral_a"),
            ("referral_delete", "referral_a"),
        )
    ),
    Route("counselling:visitor_card", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route("counselling:visitor_card_pdf", permission=COUNSEL, kwargs=_code, overrides=OTHER_CENTRE),
    Route(
        "counselling:consent_withdraw",
        permission=COUNSEL,
        kwargs=lambda world: {"code": world["visitor_a"].code, "purpose": "service"},
        overrides=OTHER_CENTRE,
        note="the confirmation page; withdrawing is a POST with the confirmation",
    ),
    Route(
        "counselling:data_quality",
        personas=frozenset(
            {"counsellor_a", "manager_a", "counsellor_b", "coordinator_a", "programme_manager"}
        ),
        note="centre staff: their records to fix; the programme: counts per centre",
    ),
    Route(
        "counselling:session_import_roll_back",
        permission=Permission.MANAGE_CENTRE,
        kwargs=_pk("import_a"),
        note="the confirmation page; the roll-back is a POST",
    ),
    Route(
        "api:visitor-presence",
        permission=COUNSEL,
        kwargs=_code,
        method="post",
        ok=400,
        note="an empty proof is refused with field errors; a wrong code is 404",
    ),
    Route(
        "api:session-follow-up-done",
        permission=COUNSEL,
        kwargs=_pk("session_a"),
        method="post",
        overrides=OTHER_CENTRE,
    ),
    Route(
        "api:referral-transition",
        permission=COUNSEL,
        kwargs=_pk("referral_a"),
        method="post",
        data={"status": "accepted"},
        overrides=OTHER_CENTRE,
    ),
]
