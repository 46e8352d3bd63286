"""Staff side of the reseller tree: rate plans and transfers (read-only), children inline."""

from django.contrib import admin

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


class ChildInline(admin.TabularInline):
    model = Reseller
    fk_name = "parent"
    fields = ["user", "name", "state", "balance", "rate_plan"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "sub-resellers"

    def has_add_permission(self, request, obj=None) -> bool:
        return False
