from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from rest_framework.authtoken.models import Token

from . import services
from .access import permission_required
from .forms import ProfileForm
from .models import User
from .permissions import Permission


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        # Saved in the language just chosen (UserTimezoneMiddleware follows the profile).
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "centres": user.centres.order_by("name"),
        "has_token": Token.objects.filter(user=user).exists(),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
@login_required
def api_token(request):
    token = services.api_token_regenerate(user=request.user)
    # Shown once: the token is a password, so the page after a redirect never repeats it.
    return render(request, "accounts/api_token.html", {"token": token.key})


@permission_required(Permission.VIEW_STAFF)
def people(request):
    users = (
        User.objects.visible_to(request.user)
        .prefetch_related("centres")
        .order_by("role", "full_name")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page})


@require_POST
def set_language(request):
    """Django's language switcher, which also remembers the choice on the user's profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(
        User._meta.get_field("preferred_language").choices
    ):
        User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response
