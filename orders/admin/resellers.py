"""Resellers for staff: limits are edited here; balance and state only through services."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin.approvals import reason_page
from orders.admin.common import CheckedQueryStringAdmin, taka
from orders.admin.forms import AdjustBalanceForm, ReasonForm, ResellerChangeForm, ResellerCreateForm
from orders.admin.tree import sub_resellers_link
from orders.errors import OrderError
from orders.models import RatePlan, Reseller
from orders.staff.approvals import propose_balance_adjustment
from orders.staff.audit import Action, record
from orders.wallet.resellers import reseller_create, reseller_set_state
from orders.wallet.tree import LIMITS, can_send_nothing, hold_to_parent_limits

EDITABLE_FIELDS = ["min_amount", "max_amount", "daily_limit", "callback_url", "rate_plan"]


@admin.register(Reseller)
class ResellerAdmin(CheckedQueryStringAdmin):
    list_display = ["username", "state", "balance_taka", "min_amount", "max_amount"]
    list_display += ["daily_limit", "parent", "rate_plan", "created_at"]
    list_filter = ["state", ("parent", admin.RelatedOnlyFieldListFilter), "rate_plan"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "parent__user", "rate_plan"]
    fields = ["username", "parent", "sub_resellers", "state", "balance_taka", *EDITABLE_FIELDS]
    fields += ["created_at"]
    readonly_fields = ["username", "parent", "sub_resellers", "state", "balance_taka"]
    readonly_fields += ["created_at"]
    actions = ["suspend", "reactivate"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = ResellerChangeForm

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_adjust_permission(self, request) -> bool:
        return request.user.has_perm("orders.add_ledgerentry")

    def save_model(self, request, obj, form, change):
        # Only the limit fields: a full save would write back a balance read before the
        # form was shown, undoing every debit and credit made since.
        changed = [name for name in form.changed_data if name in EDITABLE_FIELDS]
        if not changed:
            return
        with transaction.atomic():
            obj.save(update_fields=changed)
            for action, details in changes_to_audit(form, changed):
                record(request.user, action, reseller=obj, target=obj, details=details,
                       request=request)  # fmt: skip
            narrowed = []
            if obj.parent_id or any(name in LIMITS for name in changed):
                narrowed = hold_to_parent_limits(obj, actor=request.user, request=request)
        if narrowed:
            self.message_user(request, narrowed_message(narrowed), messages.WARNING)
        if stuck := [child for child in narrowed if can_send_nothing(child)]:
            self.message_user(request, stuck_message(stuck), messages.ERROR)

    def get_urls(self):
        adjust = path(
            "<path:object_id>/adjust-balance/",
            self.admin_site.admin_view(self.adjust_balance_view),
            name="orders_reseller_adjust_balance",
        )
        return [adjust, *super().get_urls()]

    @admin.display(description=gettext_lazy("username"), ordering="user__username")
    def username(self, reseller: Reseller) -> str:
        return reseller.user.get_username()

    @admin.display(description=gettext_lazy("sub-resellers"))
    def sub_resellers(self, reseller: Reseller) -> str:
        return sub_resellers_link(reseller)

    @admin.display(description=gettext_lazy("balance"), ordering="balance")
    def balance_taka(self, reseller: Reseller) -> str:
        return taka(reseller.balance)

    @admin.action(description=gettext_lazy("Suspend"), permissions=["change"])
    def suspend(self, request, queryset):
        return self.set_state(request, queryset, active=False)

    @admin.action(description=gettext_lazy("Reactivate"), permissions=["change"])
    def reactivate(self, request, queryset):
        return self.set_state(request, queryset, active=True)

    def set_state(self, request, queryset, *, active: bool):
        """Ask for the reason first; it is kept in the audit log with the change."""
        confirmed = "confirm" in request.POST
        form = ReasonForm(request.POST if confirmed else None)
        if not (confirmed and form.is_valid()):
            title = _("Reactivate resellers") if active else _("Suspend resellers")
            action = "reactivate" if active else "suspend"
            return reason_page(self, request, list(queryset), action=action, title=title,
                               form=form)  # fmt: skip
        for reseller in queryset:
            reseller_set_state(reseller_id=reseller.pk, active=active, staff_user=request.user,
                               reason=form.cleaned_data["reason"], request=request)  # fmt: skip
            self.log_change(request, reseller, _("Reactivated") if active else _("Suspended"))
        verb = _("reactivated") if active else _("suspended")
        message = _("%(n)s reseller(s) %(verb)s.") % {"n": len(queryset), "verb": verb}
        self.message_user(request, message)
        return None

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ResellerCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reseller, outcome = self.create_with_opening_balance(request, form.cleaned_data)
            except ValidationError as error:
                form.add_error("password", error)
            else:
                self.log_addition(request, reseller, _("Created with the add form"))
                self.message_user(request, _("Reseller %(name)s created.") % {"name": reseller})
                if outcome is not None:
                    self.message_user(request, adjustment_message(outcome), messages.SUCCESS)
                return redirect(reverse("admin:orders_reseller_change", args=[reseller.pk]))
        return self.form_page(request, form, _("Add reseller"))

    def create_with_opening_balance(self, request, data):
        """An opening balance is a staff money move like any other: it may need approval."""
        opening = data.pop("opening_balance", 0)
        with transaction.atomic():
            reseller = reseller_create(**data, created_by=request.user)
            if not opening:
                return reseller, None
            outcome = propose_balance_adjustment(
                reseller_id=reseller.pk,
                amount=opening,
                staff_user=request.user,
                reason="Opening balance",
                request=request,
            )
        return reseller, outcome

    def adjust_balance_view(self, request, object_id):
        reseller = self.get_object(request, object_id)
        if reseller is None:
            raise Http404
        if not self.has_adjust_permission(request):
            raise PermissionDenied
        form = AdjustBalanceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = propose_balance_adjustment(
                    reseller_id=reseller.pk, staff_user=request.user, request=request,
                    **form.cleaned_data,
                )  # fmt: skip
            except OrderError as error:
                form.add_error("amount", error.message)
            else:
                self.message_user(request, adjustment_message(outcome), messages.SUCCESS)
                return redirect(reverse("admin:orders_reseller_change", args=[reseller.pk]))
        title = _("Adjust the balance of %(name)s (now %(balance)s)") % {
            "name": reseller,
            "balance": taka(reseller.balance),
        }
        return self.form_page(request, form, title, reseller)

    def form_page(self, request, form, title, reseller=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "original": reseller,
        }
        return TemplateResponse(request, "admin/orders/reseller/form_page.html", context)


def changes_to_audit(form, changed: list[str]) -> list[tuple[str, dict]]:
    """The audit entries a save of these fields makes: callback URL, limits, rate plan."""
    before = {name: form.initial.get(name) for name in changed}
    after = {name: form.cleaned_data.get(name) for name in changed}
    if "rate_plan" in changed:
        before["rate_plan"] = RatePlan.objects.filter(pk=before["rate_plan"]).first()
    moved = [name for name in changed if before[name] != after[name]]
    entries = []
    if "callback_url" in moved:
        details = {"old": _text(before["callback_url"]), "new": _text(after["callback_url"])}
        entries.append((Action.CALLBACK_URL_CHANGED, details))
    if limits := [name for name in moved if name in LIMITS]:
        details = {name: {"before": _text(before[name]), "after": _text(after[name])}
                   for name in limits}  # fmt: skip
        entries.append((Action.LIMITS_CHANGE, details))
    if "rate_plan" in moved:
        details = {"before": _text(before["rate_plan"]), "after": _text(after["rate_plan"])}
        entries.append((Action.PLAN_CHANGE, details))
    return entries


def _text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def narrowed_message(narrowed: list[Reseller]) -> str:
    names = ", ".join(str(child) for child in narrowed)
    return _("Limits narrowed to fit inside the parent's: %(names)s (audited).") % {"names": names}


def stuck_message(stuck: list[Reseller]) -> str:
    names = ", ".join(str(child) for child in stuck)
    return _(
        "%(names)s can send nothing now: the daily limit is below the minimum. Set their limits."
    ) % {"names": names}


def adjustment_message(outcome) -> str:
    if outcome.proposal is not None:
        return _(
            "Adjustment of %(amount)s proposed (#%(id)s); it is applied when another staff "
            "member approves it."
        ) % {"amount": taka(outcome.proposal.amount), "id": outcome.proposal.pk}
    entry = outcome.applied
    message = _("Balance adjusted by %(amount)s; it is now %(balance)s.")
    return message % {"amount": taka(entry.amount), "balance": taka(entry.balance_after)}
