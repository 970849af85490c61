from rest_framework.routers import SimpleRouter

from .views import CentreViewSet, PartnerOrganisationViewSet

router = SimpleRouter()
router.register("centres", CentreViewSet)
router.register("partner-organisations", PartnerOrganisationViewSet)

urlpatterns = router.urls
