from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.followed import FollowedAtProvider
from orders.models.reseller import MONEY


class PayInStatus(models.TextChoices):
    CREATING = "creating", _("Creating")
    PENDING = "pending", _("Waiting for payment")
    SUCCESS = "success", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")
    REJECTED = "rejected", _("Rejected")


# SUCCESS is final for the money, but the provider may still refund it: it stays watched.
WATCHED_PAYIN_STATUSES = [PayInStatus.CREATING, PayInStatus.PENDING, PayInStatus.SUCCESS]
FINAL_PAYIN_STATUSES = [
    PayInStatus.SUCCESS,
    PayInStatus.FAILED,
    PayInStatus.CANCELED,
    PayInStatus.EXPIRED,
    PayInStatus.REFUNDED,
    PayInStatus.REJECTED,
]


class PayIn(FollowedAtProvider):
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
    status = models.CharField(
        max_length=16, choices=PayInStatus.choices, default=PayInStatus.CREATING
    )
    provider_status = models.CharField(max_length=32, blank=True)
    payment_link = models.URLField(max_length=500, blank=True)
    payment_link_expires_at = models.DateTimeField(null=True, blank=True)
    finalization_date = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(status__in=WATCHED_PAYIN_STATUSES),
                name="payin_due",
            ),
            models.Index(fields=["reseller", "-created_at"], name="payin_reseller_time"),
        ]

    def __str__(self) -> str:
        return self.external_id

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_PAYIN_STATUSES
