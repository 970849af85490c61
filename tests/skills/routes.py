from accounts.permissions import Permission
from tests.matrix import Route
from tests.skills.factories import (
    OccupationFactory,
    SectorFactory,
    SkillDemandFactory,
    SkillFactory,
    TrainingFactory,
)

MANAGE = Permission.MANAGE_PROGRAMME


def build_world(request, world):
    section = SectorFactory(code="Q", name="Education")
    division = SectorFactory(code="85", name="Education", level=2, parent=section)
    return {
        "sector": division,
        "skill": SkillFactory(name="plan lessons"),
        "occupation": OccupationFactory(name="secondary school teacher"),
        "demand": SkillDemandFactory(sector=division),
        "training": TrainingFactory(),
        "unpublished_training": TrainingFactory(is_published=False),
    }


ROUTES = [
    Route("skills:skill_picker", public=True, note="reference data, no personal data"),
    Route("skills:occupation_picker", public=True),
    Route("skills:isco_picker", public=True, note="reference data, no personal data"),
    Route("skills:demand_browse", public=True, note="labour-market data, no personal data"),
    Route(
        "skills:demand_export",
        public=True,
        kwargs=lambda world: {"identifier": "skill-demand-records", "fmt": "csv"},
    ),
    Route("skills:demand_create", permission=MANAGE),
    Route("skills:demand_edit", permission=MANAGE, kwargs=lambda world: {"pk": world["demand"].pk}),
    Route("skills:demand_import", permission=MANAGE),
    Route("skills:training_list", public=True),
    Route("skills:training_detail", public=True, kwargs=lambda world: {"pk": world["training"].pk}),
    Route("skills:training_create", permission=MANAGE),
    Route(
        "skills:training_edit", permission=MANAGE, kwargs=lambda world: {"pk": world["training"].pk}
    ),
    Route("api:skill-list"),
    Route("api:skill-detail", kwargs=lambda world: {"pk": world["skill"].pk}),
    Route("api:occupation-list"),
    Route("api:occupation-detail", kwargs=lambda world: {"pk": world["occupation"].pk}),
    Route("api:sector-list"),
    Route("api:sector-detail", kwargs=lambda world: {"pk": world["sector"].pk}),
    Route("api:skilldemand-list", public=True),
    Route("api:skilldemand-detail", public=True, kwargs=lambda world: {"pk": world["demand"].pk}),
    Route("api:skilldemand-matrix", public=True),
    Route("api:training-list", public=True, note="trainings are public, like their page"),
    Route("api:training-detail", public=True, kwargs=lambda world: {"pk": world["training"].pk}),
]
