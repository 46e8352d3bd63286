from decimal import Decimal

from django.db import models
from django.db.models import Q

from orders.lifecycle.declaration import CASHIN, text_choices
from orders.lifecycle.guard import StatusField
from orders.models.followed import FollowedAtProvider
from orders.models.reseller import MONEY

OrderStatus = text_choices("OrderStatus", CASHIN)


class CashInOrder(FollowedAtProvider):
    lifecycle = CASHIN

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="orders")
    client_reference = models.CharField(max_length=64, unique=True)
    receiver_number = models.CharField(max_length=11)
    amount = models.DecimalField(**MONEY)
    debit_amount = models.DecimalField(**MONEY)
    # Fixed at submit time from the reseller's rate plan (orders.wallet.fees): the fee is
    # debited beside the amount; the commission is the parent's when the order succeeds.
    fee = models.DecimalField(**MONEY, default=Decimal("0.00"))
    commission = models.DecimalField(**MONEY, default=Decimal("0.00"))
    status = StatusField(max_length=16, choices=CASHIN.choices, default=CASHIN.initial.value)
    source = models.CharField(max_length=8, default="panel")  # panel | api

    # What the provider told us, kept as it said it.
    order_number = models.CharField(max_length=64, null=True, blank=True)
    job_id = models.BigIntegerField(null=True, blank=True)
    provider_status = models.CharField(max_length=32, blank=True)
    job_status = models.CharField(max_length=32, blank=True)
    transaction_status = models.CharField(max_length=32, blank=True)
    operator_transaction_id = models.CharField(max_length=64, blank=True)
    refund_order_number = models.CharField(max_length=64, blank=True)
    # NICTBD's own `debit_amount` from its last status answer: what the order cost our float.
    provider_debit_amount = models.DecimalField(**MONEY, null=True, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(status__in=CASHIN.watched_values),
                name="cashin_due",
            ),
            # The submitter's queue: committed, not sent yet (orders.submission).
            models.Index(
                fields=["created_at"],
                condition=Q(status="submitting", last_submit_at__isnull=True),
                name="cashin_unsent",
            ),
            models.Index(fields=["reseller", "-created_at", "-id"], name="cashin_reseller_time"),
            models.Index(
                fields=["reseller", "status", "-created_at"], name="cashin_reseller_status"
            ),
            models.Index(fields=["reseller", "receiver_number"], name="cashin_reseller_receiver"),
            models.Index(fields=["order_number"], name="cashin_order_number"),
            # Staff search by receiver prefix over all resellers (LIKE '017%' on PostgreSQL).
            models.Index(
                fields=["receiver_number"],
                name="cashin_receiver",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["-created_at", "-id"], name="cashin_time"),
            models.Index(fields=["status", "-created_at"], name="cashin_status_time"),
            models.Index(fields=["provider_status", "-created_at"], name="cashin_pstatus_time"),
            models.Index(
                fields=["created_at"], condition=Q(needs_attention=True), name="cashin_attention"
            ),
            models.Index(fields=["completed_at"], name="cashin_completed"),  # reconciliation
        ]

    def __str__(self) -> str:
        return self.client_reference

    @property
    def total(self) -> Decimal:
        """What the reseller's wallet pays: the amount and the fee."""
        return self.amount + self.fee


class CashInDay(models.Model):
    """What a reseller's Cash In orders of one panel-local day add up to, refunded ones left
    out: the figure the daily limit is checked against (orders.wallet.daily), kept in step with
    the debits and refunds so a submit reads one row instead of summing the day's orders."""

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    sent = models.DecimalField(**MONEY, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reseller", "day"], name="cashin_day_reseller_day"),
            models.CheckConstraint(condition=Q(sent__gte=0), name="cashin_day_sent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"reseller {self.reseller_id} on {self.day}: {self.sent}"
