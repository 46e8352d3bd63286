from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.lifecycle.reasons import render


class StatusChange(models.Model):
    """One row for every status change of an order or a PayIn, and every staff decision."""

    class Source(models.TextChoices):
        SUBMIT = "submit", "submit"
        WORKER = "worker", "worker"
        STAFF = "staff", "staff"
        PROVIDER = "provider", "provider"

    order = models.ForeignKey(
        "orders.CashInOrder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history",
    )
    payin = models.ForeignKey(
        "orders.PayIn", null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )

    class Kind(models.TextChoices):
        STATUS = "status", "status"  # the status moved (or began)
        PROVIDER = "provider", "provider word"  # the provider's status word changed
        ATTENTION = "attention", "attention flag"  # flagged or unflagged: staff-side only

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    provider_status = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Why: a code of orders.lifecycle.reasons with its parameters, shown in the reader's
    # language; `reason` keeps free text verbatim (a staff member's words, the provider's).
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    raw = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "status history"
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(payin__isnull=False),
                name="history_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status} ({self.source})"

    @property
    def explanation(self) -> str:
        """The reason in the reader's language, with any verbatim text beside it."""
        parts = [render(self.reason_code, self.reason_params), self.reason]
        return " — ".join(dict.fromkeys(part for part in parts if part))
