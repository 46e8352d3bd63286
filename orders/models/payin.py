from django.db import models
from django.db.models import Q

from orders.lifecycle.declaration import PAYIN, text_choices
from orders.lifecycle.guard import StatusField
from orders.models.followed import FollowedAtProvider
from orders.models.reseller import MONEY

PayInStatus = text_choices("PayInStatus", PAYIN)


class PayIn(FollowedAtProvider):
    lifecycle = PAYIN

    class WalletProvider(models.TextChoices):
        BKASH = "BKash", "bKash"
        NAGAD = "Nagad", "Nagad"

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="payins")
    external_id = models.CharField(max_length=64, unique=True)
    provider_id = models.BigIntegerField(null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    wallet_provider = models.CharField(max_length=8, choices=WalletProvider.choices)
    mobile_number = models.CharField(max_length=11)
    email = models.EmailField()
    customer_name = models.CharField(max_length=100)
    status = StatusField(max_length=16, choices=PAYIN.choices, default=PAYIN.initial.value)
    provider_status = models.CharField(max_length=32, blank=True)
    payment_link = models.URLField(max_length=500, blank=True)
    payment_link_expires_at = models.DateTimeField(null=True, blank=True)
    finalization_date = models.DateTimeField(null=True, blank=True)
    # The reseller's address at create time, sent to TrustedPay later by the submitter.
    merchant_user_ip = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(status__in=PAYIN.watched_values),
                name="payin_due",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(status="creating", last_submit_at__isnull=True),
                name="payin_unsent",
            ),
            models.Index(fields=["reseller", "-created_at"], name="payin_reseller_time"),
            models.Index(fields=["completed_at"], name="payin_completed"),  # reconciliation
        ]

    def __str__(self) -> str:
        return self.external_id
