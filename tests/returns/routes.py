import io

from pypdf import PdfWriter

from accounts.permissions import Permission
from returns.models import (
    Application,
    InternshipIdentification,
    Need,
    OfficialTraining,
    SurveyQuestion,
    SurveyResponse,
)
from tests.matrix import SIGNED_IN, Route

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
)


def _blank_pdf() -> bytes:
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


PDF = _blank_pdf()


def build_world(request, world) -> dict:
    """The host persona is a member of host_a; the expert persona applied to host_a's needs."""
    from django.core.files.base import ContentFile

    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = request.getfixturevalue("tmp_path")
    host, expert = request.getfixturevalue("host"), request.getfixturevalue("expert")
    host_a, host_b = HostFactory(members=[host]), HostFactory(verified_at=None)
    expert_a = ExpertProfileFactory(user=expert)
    expert_a.cv.save("cv.pdf", ContentFile(PDF))
    need_a = NeedFactory(host=host_a)
    assignment_a = AssignmentFactory(
        application__need=NeedFactory(host=host_a), application__expert=expert_a
    )
    training = OfficialTraining.objects.create(
        title="Consular training",
        kind="workshop",
        date="2026-03-01",
        country="RS",
        organiser="Ministry",
    )
    consul = training.participants.create(
        name="Consul",
        institution="Embassy",
        function="Consul",
        sex="F",
        country="RS",
        is_consular=True,
    )
    return {
        "host_a": host_a,
        "expert_survey_a": SurveyResponse.objects.create(
            assignment=assignment_a, audience="expert", moment="end"
        ),
        "host_survey_a": SurveyResponse.objects.create(
            assignment=assignment_a, audience="host", moment="end"
        ),
        "question": SurveyQuestion.objects.create(
            audience="expert", moment="end", text="Useful?", kind="rating"
        ),
        "official_training": training,
        "internship": InternshipIdentification.objects.create(
            kind="work",
            identified_by=consul,
            identified_on="2026-03-02",
            destination="DE",
            employer="Klinikum",
            sector=need_a.sector,
            places=3,
        ),
        "host_b": host_b,
        "expert_a": expert_a,
        "need_a": need_a,
        "need_a_draft": NeedFactory(host=host_a, status=Need.Status.DRAFT),
        "need_b_draft": NeedFactory(host=host_b, status=Need.Status.DRAFT),
        "application_a": ApplicationFactory(
            need=need_a, expert=expert_a, status=Application.Status.PROPOSED
        ),
        "assignment_a": assignment_a,
    }


def _pk(name):
    return lambda world: {"pk": world[name].pk}


NON_HOST_SIGNED_IN = dict.fromkeys(SIGNED_IN - {"host"}, 403)

ROUTES = [
    Route("returns:need_list", public=True),
    Route("returns:need_detail", public=True, kwargs=_pk("need_a")),
    Route("returns:need_edit", permission=Permission.POST_SKILL_NEEDS, kwargs=_pk("need_a_draft")),
    Route(
        "returns:need_move",
        permission=Permission.BROWSE_SKILL_NEEDS,
        method="post",
        kwargs=_pk("need_a"),
        ok=302,
        note="a move that is not allowed changes nothing and says so",
    ),
    Route(
        "returns:need_matches",
        personas=frozenset({"programme_manager", "host"}),
        kwargs=_pk("need_a"),
        note="the host ranks only the candidates proposed to it",
    ),
    Route(
        "returns:application_create",
        permission=Permission.APPLY_FOR_RETURN,
        kwargs=lambda world: {"need_pk": world["need_a"].pk},
    ),
    Route("returns:need_manage", personas=frozenset({"host", "programme_manager"})),
    Route("returns:host_list", permission=Permission.MANAGE_PROGRAMME),
    Route("returns:host_register", public=True, overrides=NON_HOST_SIGNED_IN),
    Route(
        "returns:host_detail",
        personas=frozenset({"host", "programme_manager"}),
        kwargs=_pk("host_a"),
        overrides={"expert": 404},
    ),
    Route(
        "returns:host_verify",
        permission=Permission.MANAGE_PROGRAMME,
        method="post",
        kwargs=_pk("host_b"),
        ok=302,
    ),
    Route(
        "returns:host_invite",
        permission=Permission.POST_SKILL_NEEDS,
        method="post",
        kwargs=_pk("host_a"),
        ok=302,
    ),
    Route(
        "returns:need_create",
        permission=Permission.POST_SKILL_NEEDS,
        kwargs=lambda world: {"host_pk": world["host_a"].pk},
    ),
    Route(
        "returns:invitation_accept",
        public=True,
        kwargs=lambda world: {"token": "not-a-token"},
        note="an invalid link answers 200 with an explanation",
    ),
    Route(
        "returns:expert_register",
        public=True,
        overrides=dict.fromkeys(SIGNED_IN, 302),
        note="a signed-in user goes on to their home page",
    ),
    Route(
        "returns:expert_activate",
        public=True,
        kwargs=lambda world: {"uidb64": "MQ", "token": "bad-token"},
        note="an invalid link answers 200 with an explanation",
    ),
    Route("returns:activation_resend", public=True),
    Route("returns:expert_profile", permission=Permission.APPLY_FOR_RETURN),
    Route(
        "returns:expert_cv_upload",
        permission=Permission.APPLY_FOR_RETURN,
        method="post",
        note="without a file the form answers with its error",
    ),
    Route("returns:expert_export", permission=Permission.APPLY_FOR_RETURN),
    Route("returns:expert_delete", permission=Permission.APPLY_FOR_RETURN),
    Route("returns:expert_needs", permission=Permission.APPLY_FOR_RETURN),
    Route(
        "returns:expert_detail",
        permission=Permission.FOLLOW_RETURNS,
        kwargs=_pk("expert_a"),
        note="the host sees the expert because the expert was proposed to it",
    ),
    Route("returns:expert_cv", permission=Permission.FOLLOW_RETURNS, kwargs=_pk("expert_a")),
    Route("returns:application_list", permission=Permission.FOLLOW_RETURNS),
    Route(
        "returns:application_detail",
        permission=Permission.FOLLOW_RETURNS,
        kwargs=_pk("application_a"),
    ),
    Route(
        "returns:application_move",
        permission=Permission.FOLLOW_RETURNS,
        method="post",
        kwargs=_pk("application_a"),
        ok=302,
    ),
    Route("returns:assignment_list", permission=Permission.FOLLOW_RETURNS),
    Route(
        "returns:assignment_detail",
        permission=Permission.FOLLOW_RETURNS,
        kwargs=_pk("assignment_a"),
    ),
    Route(
        "returns:assignment_edit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=_pk("assignment_a"),
    ),
    Route(
        "returns:assignment_move",
        permission=Permission.FOLLOW_RETURNS,
        method="post",
        kwargs=_pk("assignment_a"),
        ok=302,
    ),
    Route(
        "returns:assignment_report",
        permission=Permission.APPLY_FOR_RETURN,
        kwargs=_pk("assignment_a"),
    ),
    Route(
        "returns:assignment_evaluate",
        permission=Permission.POST_SKILL_NEEDS,
        kwargs=_pk("assignment_a"),
    ),
]

ROUTES += [
    Route("returns:survey_list", permission=Permission.FOLLOW_RETURNS),
    Route(
        "returns:survey_answer",
        permission=Permission.FOLLOW_RETURNS,
        personas=frozenset({"expert", "programme_manager"}),
        kwargs=_pk("expert_survey_a"),
        denied=404,
        note="an expert answers their own surveys; hosts see their institution's only",
    ),
    Route("returns:survey_questions", permission=Permission.MANAGE_PROGRAMME),
    Route("returns:survey_question_create", permission=Permission.MANAGE_PROGRAMME),
    Route(
        "returns:survey_question_edit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=_pk("question"),
    ),
    Route(
        "returns:survey_export",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"fmt": "csv"},
    ),
    Route("returns:capacity_overview", permission=Permission.MANAGE_PROGRAMME),
    Route("returns:official_training_create", permission=Permission.MANAGE_PROGRAMME),
    Route(
        "returns:official_training_edit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=_pk("official_training"),
    ),
    Route("returns:internship_create", permission=Permission.MANAGE_PROGRAMME),
    Route(
        "returns:internship_edit", permission=Permission.MANAGE_PROGRAMME, kwargs=_pk("internship")
    ),
    Route("api:need-list", permission=Permission.BROWSE_SKILL_NEEDS),
    Route("api:need-detail", permission=Permission.BROWSE_SKILL_NEEDS, kwargs=_pk("need_a")),
    Route(
        "api:need-move",
        permission=Permission.BROWSE_SKILL_NEEDS,
        method="post",
        kwargs=_pk("need_a"),
        ok=400,
        note="without a target the move is refused with a field error",
    ),
    Route("api:expert-me", permission=Permission.APPLY_FOR_RETURN),
    Route("api:application-list", permission=Permission.FOLLOW_RETURNS),
    Route(
        "api:application-detail",
        permission=Permission.FOLLOW_RETURNS,
        kwargs=_pk("application_a"),
    ),
    Route(
        "api:application-move",
        permission=Permission.FOLLOW_RETURNS,
        method="post",
        kwargs=_pk("application_a"),
        ok=400,
    ),
    Route("api:assignment-list", permission=Permission.FOLLOW_RETURNS),
    Route(
        "api:assignment-detail",
        permission=Permission.FOLLOW_RETURNS,
        kwargs=_pk("assignment_a"),
    ),
    Route(
        "api:assignment-move",
        permission=Permission.FOLLOW_RETURNS,
        method="post",
        kwargs=_pk("assignment_a"),
        ok=400,
    ),
]
