from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services
from .security import has_two_factor, two_factor_required

# Set at sign-in for someone who has an authenticator: the session counts only once a code
# confirms it (accounts.middleware.TwoFactorMiddleware).
TWO_FACTOR_PENDING = "two_factor_pending"


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if two_factor_required(user) or has_two_factor(user):
        request.session[TWO_FACTOR_PENDING] = True
    request.session.save()  # a key to list the session under
    services.session_record(
        user=user,
        session_key=request.session.session_key,
        user_agent=request.headers.get("user-agent", ""),
    )


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None and request is not None and request.session.session_key:
        services.sessions_end(user=user, session_keys=[request.session.session_key])
