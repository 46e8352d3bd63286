"""Cash In orders for staff: a read-only list and page; every change goes through a service."""

import re

from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin.common import MAX_CHECKS_PER_ACTION, LargeTableAdmin, ResellerUsernameFilter, taka
from orders.admin.forms import ReasonForm
from orders.cashin.provider import cashin_check_now
from orders.cashin.staff import cashin_set_attention
from orders.errors import OrderError
from orders.localtime import local_text
from orders.models import CashInOrder, OrderStatus, StatusChange
from orders.numbers import without_country_code
from orders.polling.overdue import overdue_q
from orders.staff.approvals import propose_cashin_resolution

# The provider's documented Cash In statuses (a DISTINCT over a million rows would be slow).
PROVIDER_STATUSES = [
    "pending",
    "processing",
    "awaiting_sms",
    "manual_review",
    "successfull",
    "failed",
    "refunded",
]
PHONE_LIKE = re.compile(r"\+?[0-9০-৯\s-]+")


def attention_q() -> Q:
    return Q(needs_attention=True) | overdue_q()


class AttentionFilter(admin.SimpleListFilter):
    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("any", _("Flagged or overdue")),
            ("flagged", _("Flagged")),
            ("overdue", _("Overdue (not final after the poll deadline)")),
        ]

    def queryset(self, request, queryset):
        wanted = {"any": attention_q, "flagged": lambda: Q(needs_attention=True)}
        wanted["overdue"] = overdue_q
        if self.value() in wanted:
            return queryset.filter(wanted[self.value()]())
        return queryset


class ProviderStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("provider status")
    parameter_name = "provider_status"

    def lookups(self, request, model_admin):
        return [(status, status) for status in PROVIDER_STATUSES]

    def queryset(self, request, queryset):
        return queryset.filter(provider_status=self.value()) if self.value() else queryset


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fk_name = "order"
    fields = ["created_local", "kind", "from_status", "to_status", "provider_status", "source"]
    fields += ["staff_user", "explanation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_user")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("at (Dhaka)"))
    def created_local(self, change: StatusChange) -> str:
        return local_text(change.created_at, empty="-")


@admin.register(CashInOrder)
class CashInOrderAdmin(LargeTableAdmin):
    list_display = ["client_reference", "order_number", "reseller", "receiver_number"]
    list_display += ["amount_taka", "status", "provider_status", "needs_attention", "created"]
    list_filter = [
        "status",
        ProviderStatusFilter,
        AttentionFilter,
        ResellerUsernameFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["client_reference", "order_number", "receiver_number"]
    search_help_text = gettext_lazy(
        "Exact client reference or order number, or the start of a receiver number."
    )
    list_select_related = ["reseller__user"]
    inlines = [StatusChangeInline]
    actions = ["check_now", "flag", "unflag", "resolve_success", "resolve_failed"]
    fieldsets = [
        (None, {"fields": ["client_reference", "reseller", "receiver_number", "amount_taka"]}),
        (
            gettext_lazy("Status"),
            {
                "fields": [
                    "status",
                    "needs_attention",
                    "attention_reason",
                    "failure_reason",
                    "provider_failure_reason",
                ]
            },
        ),
        (
            gettext_lazy("Provider"),
            {
                "fields": [
                    "order_number",
                    "job_id",
                    "provider_status",
                    "job_status",
                    "transaction_status",
                    "operator_transaction_id",
                    "refund_order_number",
                ]
            },
        ),
        (
            gettext_lazy("Times and checks (Asia/Dhaka)"),
            {
                "fields": [
                    "created_at",
                    "submitted_at",
                    "completed_at",
                    "next_check_at",
                    "last_checked_at",
                    "check_count",
                    "resubmit_count",
                    "last_error",
                    "source",
                ]
            },
        ),
    ]

    def get_ordering(self, request):
        if request.GET.get(AttentionFilter.parameter_name):
            return ["created_at", "id"]  # the attention list: oldest first
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        """Only lookups that hit an index: no '%term%' LIKE over a million rows."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = Q(client_reference=term) | Q(order_number=term)
        if PHONE_LIKE.fullmatch(term):
            found |= Q(receiver_number__startswith=without_country_code(term))
        return queryset.filter(found), False

    def get_urls(self):
        attention = path(
            "attention/",
            self.admin_site.admin_view(self.attention_view),
            name="orders_cashinorder_attention",
        )
        return [attention, *super().get_urls()]

    def attention_view(self, request):
        url = reverse("admin:orders_cashinorder_changelist")
        return redirect(f"{url}?{AttentionFilter.parameter_name}=any")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "staff_actions": self.get_action_choices(request, default_choices=[]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_taka(self, order: CashInOrder) -> str:
        return taka(order.amount)

    @admin.display(description=gettext_lazy("created (Dhaka)"), ordering="created_at")
    def created(self, order: CashInOrder) -> str:
        return local_text(order.created_at, empty="-")

    # --- Actions: each calls a service per order and reports what happened ---------------

    @admin.action(description=gettext_lazy("Check status now"), permissions=["staff_action"])
    def check_now(self, request, queryset):
        if self.too_many_rows(request, queryset, limit=MAX_CHECKS_PER_ACTION):
            return None
        for order in queryset:
            order = cashin_check_now(order_id=order.pk, staff_user=request.user)
            self.message_user(request, describe(order), messages.INFO)
        return self.after_action(request, queryset)

    @admin.action(description=gettext_lazy("Flag for attention"), permissions=["staff_action"])
    def flag(self, request, queryset):
        return self.with_reason(
            request,
            queryset,
            action="flag",
            title=_("Flag orders for attention"),
            apply=lambda order, reason: cashin_set_attention(
                order_id=order.pk, flagged=True, staff_user=request.user, reason=reason
            ),
        )

    @admin.action(description=gettext_lazy("Unflag"), permissions=["staff_action"])
    def unflag(self, request, queryset):
        return self.with_reason(
            request,
            queryset,
            action="unflag",
            title=_("Remove the attention flag"),
            apply=lambda order, reason: cashin_set_attention(
                order_id=order.pk, flagged=False, staff_user=request.user, reason=reason
            ),
        )

    @admin.action(description=gettext_lazy("Resolve as successful"), permissions=["staff_action"])
    def resolve_success(self, request, queryset):
        return self.resolve(request, queryset, OrderStatus.SUCCESS)

    @admin.action(
        description=gettext_lazy("Resolve as failed (refunds the reseller)"),
        permissions=["staff_action"],
    )
    def resolve_failed(self, request, queryset):
        return self.resolve(request, queryset, OrderStatus.FAILED)

    def resolve(self, request, queryset, to_status: str):
        warning = {
            OrderStatus.SUCCESS: _("The orders become successful; nothing is refunded."),
            OrderStatus.FAILED: _("The orders fail and each reseller is refunded once."),
        }[to_status]
        return self.with_reason(
            request,
            queryset,
            action=f"resolve_{'success' if to_status == OrderStatus.SUCCESS else 'failed'}",
            title=_("Resolve orders as %(status)s") % {"status": OrderStatus(to_status).label},
            warning=warning,
            apply=lambda order, reason: resolution_message(
                propose_cashin_resolution(order_id=order.pk, to_status=to_status,
                                          staff_user=request.user, reason=reason, request=request)
            ),
        )  # fmt: skip

    def with_reason(self, request, queryset, *, action, title, apply, warning=""):
        """An intermediate page asking for the reason; on confirm, apply it to each order."""
        if self.too_many_rows(request, queryset):
            return None
        confirmed = "confirm" in request.POST
        form = ReasonForm(request.POST if confirmed else None, required=action != "unflag")
        if confirmed and form.is_valid():
            for order in queryset:
                try:
                    done = apply(order, form.cleaned_data["reason"])
                except OrderError as error:
                    self.message_user(request, f"{order}: {error.message}", messages.ERROR)
                else:
                    text = done if isinstance(done, str) else _("done")
                    self.message_user(request, f"{order}: {text}", messages.SUCCESS)
            return self.after_action(request, queryset)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "warning": warning,
            "objects": queryset.select_related("reseller__user"),
            "form": form,
            "action": action,
            "return_to": request.POST.get("_return", ""),
        }
        return TemplateResponse(request, "admin/orders/confirm_with_reason.html", context)


def describe(order: CashInOrder) -> str:
    text = _("%(ref)s: %(status)s (provider: %(provider)s)") % {
        "ref": order.client_reference,
        "status": order.get_status_display(),
        "provider": order.provider_status or "-",
    }
    if order.last_error:
        text += " — " + order.last_error
    return text


def resolution_message(outcome) -> str:
    if outcome.proposal is None:
        return _("done")
    return _("proposed (#%(id)s); it is applied when another staff member approves it.") % {
        "id": outcome.proposal.pk
    }
