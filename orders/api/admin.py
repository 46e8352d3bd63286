"""Staff side of API keys and webhooks. Imported by orders.admin (which owns registration)."""

import secrets
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from orders.admin.common import CheckedQueryStringAdmin
from orders.api.allowlist import AllowListError, normalize_allow_list
from orders.api.keys import api_key_create, api_key_revoke, api_key_set_allow_list
from orders.api.webhooks import webhook_send_again
from orders.errors import OrderError
from orders.models import ApiKey, OneTimeSecret, WebhookAttempt, WebhookDelivery

# A new key waits server-side for its one showing at most this long (never in a cookie).
SHOWN_ONCE_WITHIN = timedelta(minutes=10)


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("reseller", "name", "allowed_ips")

    def clean_allowed_ips(self):
        try:
            return normalize_allow_list(self.cleaned_data.get("allowed_ips", ""))
        except AllowListError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(ApiKey)
class ApiKeyAdmin(CheckedQueryStringAdmin):
    form = ApiKeyForm
    list_display = (
        "name",
        "reseller",
        "prefix",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "reseller__user__username")
    list_select_related = ("reseller__user",)
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("reseller", "name", "allowed_ips")
        return ("reseller", "name", "allowed_ips", "prefix", "created_at", "last_used_at",
                "last_used_ip", "revoked_at")  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("reseller", "prefix", "created_at", "last_used_at", "last_used_ip", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            allowed_ips = obj.allowed_ips
            obj.allowed_ips = ApiKey.objects.get(pk=obj.pk).allowed_ips
            super().save_model(request, obj, form, change)
            api_key_set_allow_list(
                key_id=obj.pk, allowed_ips=allowed_ips, actor=request.user, request=request
            )
            return
        plaintext, key = api_key_create(
            reseller=obj.reseller, name=obj.name, actor=request.user, request=request
        )
        key.allowed_ips = obj.allowed_ips
        key.save(update_fields=["allowed_ips"])
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = (
            key.pk,
            key.prefix,
            key.key_hash,
            key.created_at,
        )
        request._shown_once_token = secrets.token_urlsafe(32)
        OneTimeSecret.objects.create(
            token=request._shown_once_token,
            user=request.user,
            title=str(obj.reseller),
            secret=plaintext,
        )

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_shown_once_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        return redirect("admin:orders_apikey_shown_once", token=token)

    def get_urls(self):
        view = self.admin_site.admin_view(never_cache(self.shown_once_view))
        own = [path("shown-once/<str:token>/", view, name="orders_apikey_shown_once")]
        return own + super().get_urls()

    def shown_once_view(self, request, token):
        """The new key, to the staff member who created it, once; then it is gone."""
        fresh = timezone.now() - SHOWN_ONCE_WITHIN
        OneTimeSecret.objects.filter(created_at__lt=fresh).delete()
        secret = OneTimeSecret.objects.filter(token=token, user=request.user).first()
        if secret is None:
            raise Http404(_("This key was shown already, or is too old to show."))
        secret.delete()
        context = {**self.admin_site.each_context(request), "title": _("New API key")}
        context.update(secret=secret, back_url=reverse("admin:orders_apikey_changelist"))
        return TemplateResponse(request, "admin/orders/apikey/shown_once.html", context)

    @admin.action(description=gettext_lazy("Revoke selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key_id=key.pk, actor=request.user, request=request)
        messages.success(request, _("%(n)s key(s) revoked.") % {"n": queryset.count()})


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(CheckedQueryStringAdmin):
    list_display = ("order_or_payin", "reseller", "event", "state", "attempt_count")
    list_display += ("created_at",)
    list_filter = ("state", "event")
    search_fields = ("order__client_reference", "payin__external_id", "reseller__user__username")
    search_fields += ("url",)
    list_select_related = ("order", "payin", "reseller__user")
    readonly_fields = (
        "reseller",
        "order",
        "payin",
        "event",
        "url",
        "payload",
        "state",
        "attempt_count",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    inlines = [WebhookAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("Order or PayIn"))
    def order_or_payin(self, delivery: WebhookDelivery) -> str:
        return str(delivery.subject)

    @admin.action(description=gettext_lazy("Send again (to the current callback URL)"))
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                webhook_send_again(delivery_id=delivery.pk)
                sent += 1
            except OrderError as error:
                messages.error(request, f"{delivery.subject}: {error.message}")
        if sent:
            messages.success(request, _("%(n)s delivery(ies) queued again.") % {"n": sent})
