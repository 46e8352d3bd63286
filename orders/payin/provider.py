"""What following a PayIn at TrustedPay needs beyond the generic rules: its fields and gateway.

A callback from TrustedPay is never applied: it is only a reason to ask the status API.
"""

from django.conf import settings

from gateways.base import PayInRequest, PayInResult, WalletProvider
from gateways.registry import get_payin_gateway
from orders.lifecycle.declaration import PAYIN
from orders.lifecycle.following import Followed
from orders.lifecycle.reasons import Reason
from orders.models import PayIn, StatusChange


class PayInFollowed(Followed):
    model = PayIn
    lifecycle = PAYIN
    reference_field = "external_id"
    sweep_compared = ("provider_status", "payment_link")

    def gateway(self):
        return get_payin_gateway()

    def request(self, payin: PayIn, *, merchant_user_ip: str = "") -> PayInRequest:
        return PayInRequest(
            external_id=payin.external_id,
            amount=payin.amount,
            wallet_provider=WalletProvider(payin.wallet_provider),
            mobile_number=payin.mobile_number,
            email=payin.email,
            customer_name=payin.customer_name,
            merchant_user_id=f"reseller-{payin.reseller_id}",
            merchant_user_ip=merchant_user_ip or payin.merchant_user_ip,
            callback_url=settings.TRUSTEDPAY_CALLBACK_URL,
        )

    def copy_references(self, payin: PayIn, result: PayInResult) -> None:
        payin.provider_id = result.provider_id or payin.provider_id
        payin.payment_link = result.payment_link or payin.payment_link
        payin.payment_link_expires_at = (
            result.payment_link_expires_at or payin.payment_link_expires_at
        )

    def copy_status_fields(self, payin: PayIn, result: PayInResult) -> None:
        self.copy_references(payin, result)
        payin.provider_status = result.provider_status or payin.provider_status
        payin.finalization_date = result.finalization_date or payin.finalization_date

    def failure(self, result: PayInResult, target: str) -> Reason | None:
        return Reason("provider_failed") if target == "failed" else None

    def refuse(self, payin: PayIn, result: PayInResult, target: str) -> Reason | None:
        """A success for another amount or currency than we asked for credits nothing."""
        if target != "success":
            return None
        amount_differs = result.amount is not None and result.amount != payin.amount
        if amount_differs or (result.currency or "BDT") != "BDT":
            return Reason("amount_mismatch", {
                "paid": f"{result.amount} {result.currency}",
                "asked": f"{payin.amount:.2f} BDT",
            })  # fmt: skip
        return None


PAYIN_FOLLOWED = PayInFollowed()
Source = StatusChange.Source


def payin_apply_result(*, payin_id: int, result: PayInResult, source: str, staff_user=None):
    """A status-API answer about one PayIn (the sweep, a check now)."""
    return PAYIN_FOLLOWED.apply_status_answer(
        payin_id, result, source=source, staff_user=staff_user
    )


def payin_note_check_error(*, payin_id: int, error) -> PayIn:
    return PAYIN_FOLLOWED.note_check_error(payin_id, error)


def payin_check_now(*, payin_id: int, source: str = Source.STAFF, staff_user=None) -> PayIn:
    return PAYIN_FOLLOWED.check_now(payin_id, source=source, staff_user=staff_user)
