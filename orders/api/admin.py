"""Staff side of API keys and webhooks. Imported by orders.admin (which owns registration)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin.common import CheckedQueryStringAdmin
from orders.api.keys import api_key_create, api_key_revoke
from orders.api.webhooks import webhook_send_again
from orders.errors import OrderError
from orders.models import ApiKey, WebhookAttempt, WebhookDelivery


@admin.register(ApiKey)
class ApiKeyAdmin(CheckedQueryStringAdmin):
    list_display = ("name", "reseller", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "reseller__user__username")
    list_select_related = ("reseller__user",)
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("reseller", "name")
        return ("reseller", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("reseller", "prefix", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        plaintext, key = api_key_create(
            reseller=obj.reseller, name=obj.name, actor=request.user, request=request
        )
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = (
            key.pk,
            key.prefix,
            key.key_hash,
            key.created_at,
        )
        messages.warning(
            request,
            _("API key for %(reseller)s (shown once; give it to the reseller now): %(key)s")
            % {"reseller": obj.reseller, "key": plaintext},
        )

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
    list_display = ("order", "reseller", "event", "state", "attempt_count", "created_at")
    list_filter = ("state", "event")
    search_fields = ("order__client_reference", "reseller__user__username", "url")
    list_select_related = ("order", "reseller__user")
    readonly_fields = (
        "reseller",
        "order",
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

    @admin.action(description=gettext_lazy("Send again (to the current callback URL)"))
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                webhook_send_again(delivery_id=delivery.pk)
                sent += 1
            except OrderError as error:
                messages.error(request, f"{delivery.order}: {error.message}")
        if sent:
            messages.success(request, _("%(n)s delivery(ies) queued again.") % {"n": sent})
