from django.conf import settings
from django.utils import timezone, translation


class UserTimezoneMiddleware:
    """Shows dates in the signed-in user's time zone and, until they pick one, their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.timezone)
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)
