from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import Role

from . import selectors
from .health import health_report

HOME_TEMPLATES = {
    Role.COUNSELLOR: "home/counsellor.html",
    Role.CENTRE_MANAGER: "home/centre_manager.html",
    Role.COUNTRY_COORDINATOR: "home/country_coordinator.html",
    Role.PROGRAMME_MANAGER: "home/programme_manager.html",
    Role.HOST_MEMBER: "home/host_member.html",
    Role.EXPERT: "home/expert.html",
    Role.ADMINISTRATOR: "home/administrator.html",
}


def home(request):
    """The first page: what the portal is for the public, what to do first for each role."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/public.html", selectors.public_home_context())
    context = selectors.home_context(user)
    return render(request, HOME_TEMPLATES[user.role], context)


@require_safe
@never_cache
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return render(request, "403.html", status=403)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    # Rendered without the request: the error may come from a context processor or the database.
    return HttpResponseServerError(loader.get_template("500.html").render())
