"""Staff: each provider's health (latency, error rate, last success, queue, breaker history).

Registered on ProviderBreaker, whose change list is this page; it reads only our tables."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from orders.models import ProviderBreaker
from orders.submission.health import provider_health
from orders.submission.submitter import FOLLOWED, queued

LABELS = {"cashin": "NICTBD (bKash Cash In submit)", "payin": "TrustedPay (PayIn create)"}


@admin.register(ProviderBreaker)
class ProviderHealthAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        providers = [
            provider_health(f.gateway().name, LABELS[f.lifecycle.kind], queued(f)) for f in FOLLOWED
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Provider health"),
            "providers": providers,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/provider_health.html", context)
