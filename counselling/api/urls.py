from rest_framework.routers import SimpleRouter

from .views import GroupSessionViewSet, ReferralViewSet, SessionViewSet, VisitorViewSet

router = SimpleRouter()
router.register("visitors", VisitorViewSet, basename="visitor")
router.register("sessions", SessionViewSet, basename="session")
router.register("group-sessions", GroupSessionViewSet, basename="groupsession")
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = router.urls
