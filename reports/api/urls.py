from rest_framework.routers import SimpleRouter

from .views import IndicatorViewSet, ReportRunViewSet

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("report-runs", ReportRunViewSet, basename="reportrun")

urlpatterns = router.urls
