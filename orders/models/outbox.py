from django.db import models
from django.db.models import Q


class OutboxEvent(models.Model):
    """An event the lifecycle emits in the transaction that caused it (e.g. an order became
    final). Readers outside the domain (the API's webhooks) pick events up and mark them
    handled; the domain never calls them."""

    event = models.CharField(max_length=32)  # e.g. cashin.success, payin.refunded
    order = models.ForeignKey(
        "orders.CashInOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payin = models.ForeignKey(
        "orders.PayIn", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(handled_at=None), name="outbox_unhandled")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(payin__isnull=False), name="outbox_has_subject"
            )
        ]

    def __str__(self) -> str:
        return self.event
