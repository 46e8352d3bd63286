from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}
# A reseller's Cash In limits; an empty one is the panel's setting of this name.
LIMIT_DEFAULTS = {
    "min_amount": "CASHIN_MIN_AMOUNT",
    "max_amount": "CASHIN_MAX_AMOUNT",
    "daily_limit": "CASHIN_DAILY_LIMIT",
}


def effective_limits(limits: dict) -> dict[str, Decimal]:
    """Each limit as given, or the panel's default where it is empty or missing."""
    return {name: limits[name] if limits.get(name) is not None else getattr(settings, default)
            for name, default in LIMIT_DEFAULTS.items()}  # fmt: skip


class Reseller(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reseller"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    # Always the sum of this reseller's ledger entries; changed only by orders.wallet.ledger.
    balance = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    min_amount = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=_("Empty: the panel's default")
    )
    max_amount = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=_("Empty: the panel's default")
    )
    daily_limit = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=_("Empty: the panel's default")
    )
    # Sub-resellers (orders.wallet.tree): the reseller above this one; empty: under staff.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    rate_plan = models.ForeignKey(
        "orders.RatePlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resellers",
        help_text=_("Empty: no fees"),
    )
    callback_url = models.URLField(max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)
    # Opt-in, so a receiver written for order events never meets a body without "order".
    webhook_payins = models.BooleanField(
        default=False, help_text=_("Also send a webhook when a PayIn becomes final")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="reseller_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="reseller_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_username()

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def limits(self) -> dict[str, Decimal]:
        """min_amount, max_amount and daily_limit as they apply (empty: the panel's default)."""
        return effective_limits({name: getattr(self, name) for name in LIMIT_DEFAULTS})

    @property
    def cashin_min(self) -> Decimal:
        return self.limits["min_amount"]

    @property
    def cashin_max(self) -> Decimal:
        return self.limits["max_amount"]

    @property
    def cashin_daily_limit(self) -> Decimal:
        return self.limits["daily_limit"]
