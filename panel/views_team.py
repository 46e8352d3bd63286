"""Sub-resellers: the parent's list, creating one, one child's page (balance, orders,
statement: read-only), moving balance to and from it, suspending and reactivating it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import selectors
from orders.errors import OrderError
from orders.models import CashInOrder
from orders.wallet import tree
from orders.wallet.transfers import transfer_create
from panel.forms import show_error
from panel.forms_team import ChildPlanForm, SubResellerForm, TransferForm
from panel.views_common import reseller_required

RECENT = 20


@reseller_required
def team_list(request):
    children = list(tree.children(request.reseller).order_by("user__username"))
    context = {"children": children, "can_create": tree.can_have_children(request.reseller)}
    return render(request, "panel/team_list.html", context)


@reseller_required
def team_new(request):
    form = SubResellerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        limits = {name: data.pop(name) for name in ("max_amount", "daily_limit")}
        try:
            child = tree.sub_reseller_create(parent=request.reseller, limits=limits, **data)
        except OrderError as error:
            show_error(form, error)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            return redirect("team_detail", pk=child.pk)
    return render(request, "panel/team_new.html", {"form": form})


@reseller_required
def team_detail(request, pk: int, transfer_form=None, plan_form=None):
    child = tree.child_for_parent(parent=request.reseller, pk=pk)
    plans = tree.plans_for_children(request.reseller)
    context = {
        "child": child,
        "orders": selectors.order_list(reseller=child)[:RECENT],
        "entries": selectors.ledger_list(reseller=child).order_by("-created_at", "-id")[:RECENT],
        "transfer_form": transfer_form or TransferForm(),
        "plan_form": plan_form
        or ChildPlanForm(plans=plans, initial={"rate_plan": child.rate_plan_id}),
    }
    return render(request, "panel/team_detail.html", context)


@require_POST
@reseller_required
def team_transfer(request, pk: int):
    child = tree.child_for_parent(parent=request.reseller, pk=pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            transfer_create(parent=request.reseller, child_id=child.pk, **form.cleaned_data)
        except OrderError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Transfer done."))
            return redirect("team_detail", pk=child.pk)
    return team_detail(request, pk, transfer_form=form)


@require_POST
@reseller_required
def team_state(request, pk: int):
    active = request.POST.get("active") == "1"
    tree.child_set_state(parent=request.reseller, child_id=pk, active=active)
    return redirect("team_detail", pk=pk)


@require_POST
@reseller_required
def team_plan(request, pk: int):
    child = tree.child_for_parent(parent=request.reseller, pk=pk)
    form = ChildPlanForm(request.POST, plans=tree.plans_for_children(request.reseller))
    if form.is_valid():
        plan = form.cleaned_data["rate_plan"]
        try:
            tree.child_set_plan(
                parent=request.reseller, child_id=child.pk, plan=plan, request=request
            )
        except OrderError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Rate plan saved."))
            return redirect("team_detail", pk=child.pk)
    return team_detail(request, pk, plan_form=form)


@reseller_required
def team_order(request, pk: int, order_pk: int):
    child = tree.child_for_parent(parent=request.reseller, pk=pk)
    order = get_object_or_404(CashInOrder, pk=order_pk, reseller=child)
    return render(request, "panel/team_order.html", {"child": child, "order": order})
