from django.db import models
from django.db.models import Q


class ApiKey(models.Model):
    """A reseller's API key: shown once, stored only as a SHA-256 hash."""

    reseller = models.ForeignKey(
        "orders.Reseller", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)  # the first characters, to tell keys apart
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Empty: any address. Else CIDRs, one a line (orders/api/allowlist.py).
    allowed_ips = models.TextField(blank=True, default="")
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookDelivery(models.Model):
    """One final-status notification to a reseller's callback URL, retried until delivered."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        GAVE_UP = "gave_up", "gave up"

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(
        "orders.CashInOrder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    payin = models.ForeignKey(
        "orders.PayIn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    event = models.CharField(max_length=32)
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="webhook_due"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False, payin__isnull=True)
                | Q(order__isnull=True, payin__isnull=False),
                name="webhook_delivery_order_or_payin",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.url} ({self.state})"

    @property
    def subject(self):
        """The Cash In order or the PayIn this delivery tells about."""
        return self.order if self.order_id else self.payin

    @property
    def envelope_key(self) -> str:
        """The body's key for the subject: {"id", "event", "order" | "payin": {...}}."""
        return "order" if self.order_id else "payin"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error or '-'} at {self.attempted_at}"


class ApiRateCount(models.Model):
    """How many requests one API key made in one fixed window (orders/api/ratelimit.py)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    period = models.BigIntegerField()  # Unix time // the window's length: which window
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "period"], name="api_rate_count_key_period")
        ]

    def __str__(self) -> str:
        return f"key {self.key_id}, window {self.period}: {self.count}"
