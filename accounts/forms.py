import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from centres.models import Centre
from msc_portal.concurrency import VersionedFormMixin

from . import services
from .models import ADMIN_CREATABLE_ROLES, Role, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, but the e-mail is sent in the background (services.password_reset_request),
    in the language the page was read in."""

    def save(self, **_kwargs) -> None:
        users = self.get_users(self.cleaned_data["email"])
        services.password_reset_request(users=users, language=get_language())


def _timezone_choices():
    return [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices)

    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "timezone"]


class UserCreationForm(BaseUserCreationForm):
    """The admin's form for a new account: only roles without access to personal data."""

    class Meta:
        model = User
        fields = ["email", "full_name", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if value in ADMIN_CREATABLE_ROLES
        ]


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=100,
        help_text=_("Say where you will use it, e.g. the program or computer."),
    )


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app or, on the sign-in step, a recovery code."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split()).lower()
        for device in self.devices:
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            _("This code is not right, or has expired. Try the code your app shows now.")
        )


class AccessGrantForm(forms.Form):
    """A staff role and centres for a colleague's existing account, found by e-mail address."""

    email = forms.EmailField(label=_("E-mail address of the account"))
    role = forms.ChoiceField(label=_("Role"))
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres"),
        queryset=Centre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For counsellors and centre managers: where they work among your centres."),
    )
    country = CountryField(blank=True).formfield(
        label=_("Country"), required=False, help_text=_("For country coordinators.")
    )

    def __init__(self, *args, granter, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, Role(value).label) for value in roles]
        self.fields["centres"].queryset = (
            Centre.objects.staffed_by(granter).active().order_by("name")
        )
        if Role.COUNTRY_COORDINATOR not in roles:
            del self.fields["country"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        self.person = User.objects.filter(email=email, is_active=True).first()
        if self.person is None:
            raise forms.ValidationError(
                _("No active account has this address: ask an administrator to create it.")
            )
        return email
