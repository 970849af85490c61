from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ApplicationViewSet, AssignmentViewSet, ExpertMeView, NeedViewSet

router = SimpleRouter()
router.register("needs", NeedViewSet, basename="need")
router.register("applications", ApplicationViewSet, basename="application")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("experts/me/", ExpertMeView.as_view(), name="expert-me"),
    *router.urls,
]
