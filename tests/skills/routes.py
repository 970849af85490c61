from accounts.permissions import Permission
from tests.matrix import Route
from tests.skills.factories import (
    OccupationFactory,
    SectorFactory,
    SkillDemandFactory,
    SkillFactory,
    TrainingFactory,
)

BROWSE = Permission.BROWSE_SKILL_DEMAND
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
    Route("skills:demand_browse", permission=BROWSE),
    Route(
        "skills:demand_export",
        permission=BROWSE,
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
    Route("api:skilldemand-list", permission=BROWSE),
    Route(
        "api:skilldemand-detail", permission=BROWSE, kwargs=lambda world: {"pk": world["demand"].pk}
    ),
    Route("api:skilldemand-matrix", permission=BROWSE),
    Route("api:training-list", public=True, note="trainings are public, like their page"),
    Route("api:training-detail", public=True, kwargs=lambda world: {"pk": world["training"].pk}),
]
