"""Staff side of the reseller tree: rate plans, transfers (read-only), links to children."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from orders.models import RatePlan, Reseller, Transfer


@admin.register(RatePlan)
class RatePlanAdmin(admin.ModelAdmin):
    list_display = ["name", "fee_fixed", "fee_percent", "fee_min", "fee_max",
                    "commission_fixed", "commission_percent"]  # fmt: skip
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["created_at", "parent", "child", "direction", "amount", "note", "reference"]
    list_filter = ["direction"]
    search_fields = ["parent__user__username", "child__user__username", "reference"]
    list_select_related = ["parent__user", "child__user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def sub_resellers_link(reseller: Reseller) -> str:
    """A link to the reseller list filtered to this reseller's children, with their count."""
    count = Reseller.objects.filter(parent=reseller).count()
    if not count:
        return "—"
    url = reverse("admin:orders_reseller_changelist") + f"?parent__id__exact={reseller.pk}"
    return format_html('<a href="{}">{} sub-reseller(s)</a>', url, count)
