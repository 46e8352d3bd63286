"""Setting up the second factor: staff (required, in the admin) and resellers (optional)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from panel.security.twofactor.devices import (
    check_code,
    confirm_device,
    has_device,
    pending_device,
    qr_svg,
    reset_two_factor,
    secret_text,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _setup(request, base_template: str, done_url: str, extra: dict):
    device = pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_device(request.user, device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            context = {**extra, "codes": codes, "base_template": base_template}
            return render(
                request, "security/recovery_codes.html", {**context, "done_url": done_url}
            )
        form.add_error("code", _("That code is not right: check the time on your phone, retry."))
    context = {**extra, "form": form, "base_template": base_template, "secret": secret_text(device)}
    return render(request, "security/two_factor_setup.html", {**context, "qr_svg": qr_svg(device)})


@never_cache
def staff_two_factor_setup(request):
    """The one admin page a staff member without a device reaches (the middleware sends them)."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if has_device(user) and not user.is_verified():
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    extra = {**admin.site.each_context(request), "title": _("Set up two-step login")}
    return _setup(request, "admin/base_site.html", reverse("admin:index"), extra)


@never_cache
@login_required
def reseller_two_factor_setup(request):
    if has_device(request.user):
        return redirect("account_settings")
    return _setup(request, "base.html", reverse("account_settings"), {})


@never_cache
@login_required
def account_settings(request):
    on = has_device(request.user)
    form = CodeForm(request.POST or None)
    if on and request.method == "POST" and form.is_valid():
        if check_code(request.user, form.cleaned_data["code"]) is not None:
            reset_two_factor(request.user, actor=request.user, reason="turned off by the user")
            messages.success(request, _("Two-step login is off."))
            return redirect("account_settings")
        form.add_error("code", _("That code is not right."))
    return render(request, "security/account_settings.html", {"two_factor_on": on, "form": form})
