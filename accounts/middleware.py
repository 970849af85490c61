from django.conf import settings
from django.utils import timezone, translation


class UserTimezoneMiddleware:
    """Shows pages in the signed-in user's time zone and language.

    For a signed-in user the language on their profile decides, wherever they sign in (the
    switcher saves to the profile, accounts.views.set_language); the language cookie is kept in
    step so that the pages after signing out stay in that language. Anonymous visitors get the
    cookie's language or, without one, their browser's (LocaleMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            timezone.activate(user.timezone)
            language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        response = self.get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
