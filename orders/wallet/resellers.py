"""Resellers: creation, suspension."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from orders.models import Reseller
from orders.staff.audit import Action, record
from orders.wallet.ledger import staff_adjust_balance, wallet_rows


def reseller_create(
    *,
    username: str,
    password: str,
    email: str = "",
    opening_balance: Decimal = Decimal("0"),
    created_by=None,
    check_password: bool = True,
) -> Reseller:
    """A login user with a wallet; an opening balance is a staff adjustment entry."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=username, email=email)
        if check_password:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        reseller = Reseller.objects.create(user=user)
        if opening_balance:
            staff_adjust_balance(
                reseller_id=reseller.pk,
                amount=opening_balance,
                staff_user=created_by,
                reason="Opening balance",
            )
    reseller.refresh_from_db()
    return reseller


def reseller_set_state(
    *, reseller_id: int, active: bool, staff_user=None, reason: str = "", request=None
) -> None:
    """Suspend or reactivate; the change and its reason go to the audit log together."""
    state = Reseller.State.ACTIVE if active else Reseller.State.SUSPENDED
    with transaction.atomic():
        reseller = wallet_rows().get(pk=reseller_id)
        before = reseller.state
        Reseller.objects.filter(pk=reseller_id).update(state=state)
        action = Action.RESELLER_REACTIVATED if active else Action.RESELLER_SUSPENDED
        record(staff_user, action, reseller=reseller, target=reseller, reason=reason,
               details={"from": before, "to": state}, request=request)  # fmt: skip
