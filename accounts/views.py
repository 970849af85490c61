from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from msc_portal.concurrency import atomic_post

from . import services
from .access import permission_required
from .forms import AccessGrantForm, ApiTokenForm, ProfileForm, TwoFactorCodeForm
from .models import ApiToken, User, UserSession
from .permissions import Permission
from .security import has_two_factor, two_factor_required
from .signals import TWO_FACTOR_PENDING


@login_required
@atomic_post
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        # Saved in the language just chosen (UserTimezoneMiddleware follows the profile).
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, form))


def _profile_context(request, form, token_form=None):
    user = request.user
    live = Session.objects.filter(expire_date__gt=now()).values("session_key")
    return {
        "form": form,
        "token_form": token_form or ApiTokenForm(),
        "centres": user.centres.order_by("name"),
        "tokens": ApiToken.objects.filter(user=user, expiry__gt=now()),
        "sessions": UserSession.objects.filter(user=user, session_key__in=live),
        "current_session_key": request.session.session_key,
        "has_two_factor": has_two_factor(user),
        "two_factor_required": two_factor_required(user),
    }


@require_POST
@login_required
def api_token(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("name", error)
    if not form.is_valid():
        context = _profile_context(request, ProfileForm(instance=request.user), form)
        return render(request, "accounts/profile.html", context, status=400)
    # Shown once: the token is a password, so the page after a redirect never repeats it.
    return render(request, "accounts/api_token.html", {"token": key, "api_token": token})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; the new password signs every other browser out and ends the API tokens
    (accounts.models.User.save), and this browser stays signed in, listed under a new key."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.session_record(
            user=self.request.user,
            session_key=self.request.session.session_key,
            user_agent=self.request.headers.get("user-agent", ""),
        )
        return response


@permission_required(Permission.VIEW_STAFF)
def people(request):
    users = (
        User.objects.visible_to(request.user)
        .prefetch_related("centres")
        .order_by("role", "full_name")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {"page": page, "can_grant": request.user.can(Permission.GRANT_ACCESS)}
    return render(request, "accounts/people.html", context)


@permission_required(Permission.GRANT_ACCESS)
def access_grant(request):
    """A centre manager (their centres), a coordinator (their country's centres) or the programme
    manager (the network) gives a colleague's account a staff role and centres; audited."""
    roles = services.grantable_roles(request.user)
    form = AccessGrantForm(request.POST or None, granter=request.user, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_access_grant(
                granter=request.user,
                user=form.person,
                role=data["role"],
                centres=data["centres"],
                country=data.get("country", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s. They see it at their next page.")
                % {"name": person.full_name, "role": person.get_role_display()},
            )
            return redirect("accounts:people")
    return render(request, "accounts/access_grant.html", {"form": form})


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


def _safe_next(request, default="home"):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return resolve_url(default)


@login_required
def two_factor_setup(request):
    """Sets up an authenticator app: scan the code, type what the app shows, keep the recovery
    codes (shown once). Replacing an app takes a session that the current one verified: a
    password alone must not swap the second factor."""
    if has_two_factor(request.user) and not request.user.is_verified():
        return redirect(f"{resolve_url('accounts:two_factor_verify')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.two_factor_device_start(user=request.user)
    form = TwoFactorCodeForm(request.POST or None, user=request.user, devices=[device])
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_device_confirm(device=device)
        otp_login(request, device)
        context = {"codes": codes, "next": _safe_next(request)}
        return render(request, "accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app")
        ),
        "secret": b32encode(device.bin_key).decode(),
        "next": _safe_next(request),
        "required": two_factor_required(request.user),
        "has_two_factor": has_two_factor(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified() or not has_two_factor(request.user):
        return redirect(_safe_next(request))
    devices = [*devices_for_user(request.user, confirmed=True)]
    form = TwoFactorCodeForm(request.POST or None, user=request.user, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            remaining = form.device.token_set.count()
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code: %(count)d is left.",
                    "You signed in with a recovery code: %(count)d are left.",
                    remaining,
                )
                % {"count": remaining},
            )
        return redirect(_safe_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@require_POST
@login_required
def recovery_codes(request):
    if not has_two_factor(request.user):
        return redirect("accounts:two_factor_setup")
    codes = services.recovery_codes_renew(user=request.user)
    context = {"codes": codes, "next": resolve_url("accounts:profile")}
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@login_required
def two_factor_disable(request):
    if two_factor_required(request.user):
        messages.error(request, _("Your role needs two-factor sign-in: it stays on."))
        return redirect("accounts:profile")
    services.two_factor_disable(user=request.user)
    request.session.pop(TWO_FACTOR_PENDING, None)
    messages.success(request, _("Two-factor sign-in is off. You can set it up again any time."))
    return redirect("accounts:profile")


@require_POST
@login_required
def api_token_revoke(request, digest):
    token = get_object_or_404(ApiToken, user=request.user, digest=digest)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:profile")


@require_POST
@login_required
def session_end(request, pk):
    session = get_object_or_404(UserSession, user=request.user, pk=pk)
    if session.session_key == request.session.session_key:
        logout(request)
        return redirect("accounts:login")
    services.sessions_end(user=request.user, session_keys=[session.session_key])
    messages.success(request, _("That browser is signed out."))
    return redirect("accounts:profile")


@require_POST
@login_required
def sign_out_everywhere(request):
    services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(
        request, _("You are signed out on every browser, and your API tokens no longer work.")
    )
    return redirect("accounts:login")
