"""Staff without a second factor reach no admin page but the one that sets it up."""

from django.shortcuts import redirect
from django.urls import reverse

from panel.security.twofactor.devices import has_device


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            return redirect("admin:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return False
        admin_root = reverse("admin:index")
        open_paths = {
            reverse("admin:two_factor_setup"),
            reverse("admin:login"),
            reverse("admin:logout"),
        }
        if not request.path.startswith(admin_root) or request.path in open_paths:
            return False
        return not has_device(user)
