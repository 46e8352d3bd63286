"""PayIns and the ledger for staff: read-only; a PayIn can be checked with the provider."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin.cashin import StatusChangeInline
from orders.admin.common import MAX_CHECKS_PER_ACTION, LargeTableAdmin, ResellerUsernameFilter, taka
from orders.localtime import local_text
from orders.models import CashInOrder, LedgerEntry, PayIn
from orders.payin.provider import payin_check_now


class PayInHistoryInline(StatusChangeInline):
    fk_name = "payin"


@admin.register(PayIn)
class PayInAdmin(LargeTableAdmin):
    list_display = ["external_id", "reseller", "amount_taka", "wallet_provider", "mobile_number"]
    list_display += ["status", "provider_status", "needs_attention", "created"]
    list_filter = [
        "status",
        "wallet_provider",
        "needs_attention",
        ResellerUsernameFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["external_id__exact", "mobile_number__startswith"]
    search_help_text = gettext_lazy("Exact external id, or the start of a mobile number.")
    list_select_related = ["reseller__user"]
    exclude = ["reseller"]
    readonly_fields = ["reseller_name", "amount_taka", "attention_reason", "failure_reason"] + [
        field.name
        for field in PayIn._meta.fields
        if field.name not in ("id", "reseller", "amount", "attention_params", "failure_params")
    ]
    inlines = [PayInHistoryInline]
    actions = ["check_now"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "staff_actions": self.get_action_choices(request, default_choices=[]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("reseller"))
    def reseller_name(self, payin: PayIn) -> str:
        return str(payin.reseller)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_taka(self, payin: PayIn) -> str:
        return taka(payin.amount)

    @admin.display(description=gettext_lazy("created (Dhaka)"), ordering="created_at")
    def created(self, payin: PayIn) -> str:
        return local_text(payin.created_at, empty="-")

    @admin.action(description=gettext_lazy("Check status now"), permissions=["staff_action"])
    def check_now(self, request, queryset):
        if self.too_many_rows(request, queryset, limit=MAX_CHECKS_PER_ACTION):
            return None
        for payin in queryset:
            payin = payin_check_now(payin_id=payin.pk, staff_user=request.user)
            text = _("%(id)s: %(status)s (provider: %(provider)s)") % {
                "id": payin.external_id,
                "status": payin.get_status_display(),
                "provider": payin.provider_status or "-",
            }
            self.message_user(request, text, messages.INFO)
        return self.after_action(request, queryset)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LargeTableAdmin):
    list_display = ["created", "reseller", "kind", "amount_taka", "balance_after_taka"]
    list_display += ["order", "payin", "staff_user", "reason"]
    list_filter = ["kind", ResellerUsernameFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["order__client_reference", "payin__external_id"]
    search_help_text = gettext_lazy("Exact order reference or PayIn external id.")
    list_select_related = ["reseller__user", "order", "payin", "staff_user"]
    ordering = ["-created_at", "-id"]
    actions = None

    def get_search_results(self, request, queryset, search_term):
        """Find the order or PayIn first: an OR across two joins would scan the whole ledger."""
        term = search_term.strip()
        if not term:
            return queryset, False
        order_ids = CashInOrder.objects.filter(client_reference=term).values("pk")
        payin_ids = PayIn.objects.filter(external_id=term).values("pk")
        return queryset.filter(Q(order_id__in=order_ids) | Q(payin_id__in=payin_ids)), False

    @admin.display(description=gettext_lazy("at (Dhaka)"), ordering="created_at")
    def created(self, entry: LedgerEntry) -> str:
        return local_text(entry.created_at, empty="-")

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_taka(self, entry: LedgerEntry) -> str:
        return taka(entry.amount)

    @admin.display(description=gettext_lazy("balance after"))
    def balance_after_taka(self, entry: LedgerEntry) -> str:
        return taka(entry.balance_after)
