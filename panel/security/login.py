"""The login forms of the panel and the admin: password, second factor, throttling.

A username or IP that is held back (panel/security/throttle.py) still lets a login through
when it cannot be someone else's guessing: the right password plus a valid 2FA code, or, for
a user without 2FA, the right password from a browser that has logged in as that user before
(a signed "known browser" cookie). Everyone else waits out the hold, with the same message
whether the password was right or not.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panel.security import throttle
from panel.security.clientip import client_ip
from panel.security.twofactor.devices import check_code, has_device

KNOWN_BROWSER_COOKIE = "known_login"
KNOWN_BROWSER_SALT = "panel.security.login.known-browser"
KNOWN_BROWSER_DAYS = 180
KNOWN_BROWSER_MAX_USERS = 5


class ThrottledLoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Only if two-step login is on: 6 digits, or one of your recovery codes."),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed logins. Try again in %(minutes)s minute(s)."),
        "code_needed": _("Enter the code from your authenticator app (or a recovery code)."),
    }
    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        ip = client_ip(self.request)
        held = throttle.held_until(username, ip)
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            throttle.record_failure(username, ip)
            self._refuse_if_held(held)
            raise self.get_invalid_login_error()
        if has_device(user):
            code = self.cleaned_data.get("otp_token", "")
            device = check_code(user, code)
            if device is None:
                if code:
                    throttle.record_failure(username, ip)
                self._refuse_if_held(held)
                raise forms.ValidationError(self.error_messages["code_needed"], "code_needed")
            user.otp_device = device  # django_otp marks the session verified at login
        elif held and not is_known_browser(self.request, user):
            self._refuse_if_held(held)
        self.confirm_login_allowed(user)
        self.user_cache = user
        throttle.record_success(username)
        return self.cleaned_data

    def _refuse_if_held(self, held) -> None:
        if held:
            self.throttled = True
            minutes = max(1, round((held - timezone.now()).total_seconds() / 60))
            raise forms.ValidationError(
                self.error_messages["throttled"], "throttled", params={"minutes": minutes}
            )


class StaffLoginForm(ThrottledLoginForm, AdminAuthenticationForm):
    """The admin login: staff only (AdminAuthenticationForm.confirm_login_allowed)."""

    error_messages = {
        **ThrottledLoginForm.error_messages,
        "invalid_login": AdminAuthenticationForm.error_messages["invalid_login"],
    }


def _known_ids(request) -> list[int]:
    try:
        value = request.get_signed_cookie(
            KNOWN_BROWSER_COOKIE,
            salt=KNOWN_BROWSER_SALT,
            max_age=KNOWN_BROWSER_DAYS * 86400,
        )
        return [int(part) for part in value.split(",") if part]
    except (KeyError, signing.BadSignature, ValueError):
        return []


def is_known_browser(request, user) -> bool:
    return user.pk in _known_ids(request)


def remember_browser(request, response) -> None:
    """After a login: this browser is known for the logged-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    ids = [user.pk] + [pk for pk in _known_ids(request) if pk != user.pk]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(str(pk) for pk in ids[:KNOWN_BROWSER_MAX_USERS]),
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def throttled_status(response, form) -> None:
    """429 for a login refused by the throttle, as before (clients and tests rely on it)."""
    if form is not None and getattr(form, "throttled", False):
        response.status_code = 429
