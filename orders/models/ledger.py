from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.appendonly import AppendOnly
from orders.models.reseller import MONEY

# At most one of each per order (fees, commissions) and per transfer, in the database too.
ORDER_ONCE = ("order_fee", "order_fee_refund", "commission", "commission_reversal")
TRANSFER_KINDS = ("transfer_out", "transfer_in")


class LedgerEntry(AppendOnly):
    """Append-only: one row per change of a reseller's balance, written with its cause."""

    class Kind(models.TextChoices):
        ORDER_DEBIT = "order_debit", _("Cash In debit")
        ORDER_REFUND = "order_refund", _("Cash In refund")
        PAYIN_CREDIT = "payin_credit", _("PayIn credit")
        PAYIN_REVERSAL = "payin_reversal", _("PayIn reversal")
        ADJUSTMENT = "adjustment", _("Staff adjustment")
        ORDER_FEE = "order_fee", _("Cash In fee")
        ORDER_FEE_REFUND = "order_fee_refund", _("Cash In fee refund")
        COMMISSION = "commission", _("Commission")
        COMMISSION_REVERSAL = "commission_reversal", _("Commission reversal")
        TRANSFER_OUT = "transfer_out", _("Transfer sent")
        TRANSFER_IN = "transfer_in", _("Transfer received")

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY)  # signed: debits are negative
    balance_after = models.DecimalField(**MONEY)
    order = models.ForeignKey(
        "orders.CashInOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payin = models.ForeignKey(
        "orders.PayIn", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(
        "orders.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["reseller", "created_at"], name="ledger_reseller_time")]
        constraints = [
            # The database, not only the code, refuses a second debit or refund of one order
            # and a second credit or reversal of one PayIn.
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="order_debit"), name="ledger_one_debit"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="order_refund"), name="ledger_one_refund"
            ),
            models.UniqueConstraint(
                fields=["payin"], condition=Q(kind="payin_credit"), name="ledger_one_credit"
            ),
            models.UniqueConstraint(
                fields=["payin"], condition=Q(kind="payin_reversal"), name="ledger_one_reversal"
            ),
            *[
                models.UniqueConstraint(
                    fields=["order"], condition=Q(kind=kind), name=f"ledger_one_{kind}"
                )
                for kind in ORDER_ONCE
            ],
            *[
                models.UniqueConstraint(
                    fields=["transfer"], condition=Q(kind=kind), name=f"ledger_one_{kind}"
                )
                for kind in TRANSFER_KINDS
            ],
            models.CheckConstraint(
                condition=~Q(kind__in=ORDER_ONCE) | Q(order__isnull=False),
                name="ledger_fee_entry_has_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=TRANSFER_KINDS) | Q(transfer__isnull=False),
                name="ledger_transfer_entry_has_transfer",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["order_debit", "order_refund"]) | Q(order__isnull=False),
                name="ledger_order_entry_has_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["payin_credit", "payin_reversal"]) | Q(payin__isnull=False),
                name="ledger_payin_entry_has_payin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} BDT"
