"""The admin site, for staff with a verified second factor only.

A staff member logged in with the password alone is sent to set up an authenticator
(StaffTwoFactorMiddleware) or, with one set up, back to the login page, which asks for a code.
"""

from django.contrib import admin
from django.urls import path

from panel.security.login import StaffLoginForm, remember_browser, throttled_status


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


class TwoFactorAdminSite(admin.AdminSite):
    login_form = StaffLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if request.method == "POST":
            if response.status_code == 302:
                remember_browser(request, response)
            else:
                throttled_status(response, (response.context_data or {}).get("form"))
        return response

    def get_urls(self):
        from panel.security.twofactor.views import staff_two_factor_setup

        own = [path("two-factor/", staff_two_factor_setup, name="two_factor_setup")]
        return own + super().get_urls()
