from rest_framework.routers import SimpleRouter

from .views import (
    OccupationViewSet,
    SectorViewSet,
    SkillDemandViewSet,
    SkillViewSet,
    TrainingViewSet,
)

router = SimpleRouter()
router.register("skills", SkillViewSet)
router.register("occupations", OccupationViewSet)
router.register("sectors", SectorViewSet)
router.register("skill-demand", SkillDemandViewSet, basename="skilldemand")
router.register("trainings", TrainingViewSet, basename="training")

urlpatterns = router.urls
