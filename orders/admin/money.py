"""The staff's money view (/admin/orders/reconciliationreport/money/) and the reconciliation
reports with their mismatches: read-only; reports are written by orders.money.reconcile."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from orders.admin.common import taka
from orders.models import FloatSnapshot, ReconciliationMismatch, ReconciliationReport
from orders.money.charts import period_charts
from orders.money.figures import PERIODS, money_figures
from orders.money.float import float_alert, wallets_total


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MismatchInline(admin.TabularInline):
    model = ReconciliationMismatch
    fields = ["kind", "reference", "problem", "order", "payin", "ours", "theirs", "found_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ["day", "orders_checked", "payins_checked", "mismatch_count", "errors"]
    list_display += ["balance_start", "balance_end", "provider_debit_total", "balance_difference"]
    list_display += ["ledger_check"]
    inlines = [MismatchInline]

    def get_urls(self):
        money = path("money/", self.admin_site.admin_view(self.money_view), name="orders_money")
        return [money, *super().get_urls()]

    def money_view(self, request):
        period = request.GET.get("period", "today")
        if period not in PERIODS:
            raise Http404("unknown period")
        figures = money_figures(period)
        snapshot = FloatSnapshot.objects.order_by("-taken_at").first()
        wallets = wallets_total()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Money"),
            "period": period,
            "periods": list(PERIODS),
            "figures": figures,
            "charts": period_charts(figures),
            "snapshot": snapshot,
            "wallets": taka(wallets),
            "alert": float_alert(snapshot, wallets, settings.FLOAT_ALERT_BDT),
            "latest_report": ReconciliationReport.objects.first(),
        }
        return TemplateResponse(request, "admin/orders/money.html", context)


@admin.register(ReconciliationMismatch)
class ReconciliationMismatchAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "reference", "problem", "order", "payin", "found_at"]
    list_filter = ["kind", "problem", "report__day"]
    search_fields = ["reference__exact"]


@admin.register(FloatSnapshot)
class FloatSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["taken_at", "balance", "currency"]
