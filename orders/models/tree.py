"""Sub-resellers' money: the rate plans staff define and the transfers between a parent and
its children."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.reseller import MONEY

PERCENT = {
    "max_digits": 6,
    "decimal_places": 3,
    "default": Decimal("0"),
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


class RatePlan(models.Model):
    """What a Cash In costs a reseller on this plan, and what its parent earns from it.

    fee = fixed + percent × amount, at least fee_min and at most fee_max (empty: no cap);
    commission (to the parent, when the order succeeds) = fixed + percent × amount, never more
    than the fee the order paid (orders.wallet.fees)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    fee_fixed = models.DecimalField(_("fixed fee"), **MONEY, default=Decimal("0"))
    fee_percent = models.DecimalField(_("fee percent"), **PERCENT)
    fee_min = models.DecimalField(_("minimum fee"), **MONEY, default=Decimal("0"))
    fee_max = models.DecimalField(
        _("maximum fee"), **MONEY, null=True, blank=True, help_text=_("Empty: no maximum")
    )
    commission_fixed = models.DecimalField(
        _("parent's fixed commission"), **MONEY, default=Decimal("0")
    )
    commission_percent = models.DecimalField(_("parent's commission percent"), **PERCENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_fixed__gte=0, fee_min__gte=0, commission_fixed__gte=0),
                name="rateplan_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fee_max__isnull=True) | Q(fee_max__gte=models.F("fee_min")),
                name="rateplan_max_above_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """Balance moved between a parent and one of its children: two ledger entries, out of
    one wallet and into the other, written in one transaction (orders.wallet.transfers)."""

    class Direction(models.TextChoices):
        DOWN = "down", _("To the sub-reseller")
        UP = "up", _("Back from the sub-reseller")

    parent = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    amount = models.DecimalField(**MONEY)
    note = models.CharField(max_length=200, blank=True)
    # The parent's idempotency key (API); empty: none.
    reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "reference"],
                condition=~Q(reference=""),
                name="transfer_one_per_reference",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("child")), name="transfer_two_sides"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child} {self.amount} ({self.direction})"

    @property
    def sender_id(self) -> int:
        return self.parent_id if self.direction == self.Direction.DOWN else self.child_id

    @property
    def receiver_id(self) -> int:
        return self.child_id if self.direction == self.Direction.DOWN else self.parent_id
