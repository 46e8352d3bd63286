"""Reseller pages under /developer/: API keys, webhook settings and deliveries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.api.forms import ApiKeyForm, CallbackUrlForm
from orders.api.keys import api_key_create, api_key_revoke, api_key_set_allow_list
from orders.api.webhooks import webhook_rotate_secret, webhook_send_again, webhook_set_callback_url
from orders.errors import OrderError
from orders.models import ApiKey, Reseller, WebhookDelivery

NEW_KEY_SESSION = "api_new_key"  # server-side session: the plaintext is never put in a cookie
DELIVERIES_SHOWN = 50


def _reseller(request) -> Reseller:
    reseller = Reseller.objects.filter(user=request.user).first()
    if reseller is None:
        raise PermissionDenied(_("Only resellers have API keys and webhooks."))
    return reseller


@login_required
def api_keys(request):
    reseller = _reseller(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plaintext, key = api_key_create(
            reseller=reseller, name=form.cleaned_data["name"], actor=request.user, request=request
        )
        request.session[NEW_KEY_SESSION] = {"id": key.pk, "key": plaintext}
        return redirect("api-keys")
    context = {
        "form": form,
        "keys": ApiKey.objects.filter(reseller=reseller),
        "new_key": request.session.pop(NEW_KEY_SESSION, None),
    }
    return render(request, "api/keys.html", context)


@login_required
@require_POST
def api_key_revoke_view(request, key_id: int):
    reseller = _reseller(request)
    key = get_object_or_404(ApiKey, pk=key_id, reseller=reseller)
    api_key_revoke(key_id=key.pk, reseller=reseller, actor=request.user, request=request)
    messages.success(request, _("Key “%(name)s” revoked; it no longer works.") % {"name": key.name})
    return redirect("api-keys")


@login_required
def webhooks(request):
    reseller = _reseller(request)
    initial = {"callback_url": reseller.callback_url, "payin_events": reseller.webhook_payins}
    form = CallbackUrlForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_set_callback_url(
                reseller=reseller,
                url=form.cleaned_data["callback_url"],
                payins=form.payins_choice(),
                actor=request.user,
                request=request,
            )
        except OrderError as error:
            form.add_error("callback_url", error.message)
        else:
            messages.success(request, _("Webhook settings saved."))
            return redirect("api-webhooks")
    deliveries = (
        WebhookDelivery.objects.filter(reseller=reseller)
        .select_related("order", "payin")
        .prefetch_related("attempts")[:DELIVERIES_SHOWN]
    )
    context = {"form": form, "reseller": reseller, "deliveries": deliveries}
    return render(request, "api/webhooks.html", context)


@login_required
@require_POST
def webhook_rotate(request):
    webhook_rotate_secret(reseller=_reseller(request))
    messages.success(request, _("New signing secret made; update your server to use it."))
    return redirect("api-webhooks")


@login_required
@require_POST
def webhook_resend(request, delivery_id: int):
    reseller = _reseller(request)
    get_object_or_404(WebhookDelivery, pk=delivery_id, reseller=reseller)
    try:
        webhook_send_again(delivery_id=delivery_id, reseller=reseller)
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Queued again; it will be sent within a minute."))
    return redirect("api-webhooks")


@login_required
@require_POST
def api_key_allow_list_view(request, key_id: int):
    reseller = _reseller(request)
    key = get_object_or_404(ApiKey, pk=key_id, reseller=reseller)
    try:
        api_key_set_allow_list(
            key_id=key.pk,
            allowed_ips=request.POST.get("allowed_ips", ""),
            reseller=reseller,
            actor=request.user,
            request=request,
        )
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Addresses for key “%(name)s” saved.") % {"name": key.name})
    return redirect("api-keys")
