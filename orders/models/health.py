"""Provider health: the circuit breaker's shared state, its history, per-minute call figures.

In the database so that every worker on every host reads and moves the same breaker.
"""

from django.db import models

LATENCY_BOUNDS_MS = (25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600)  # then more


class ProviderBreaker(models.Model):
    class State(models.TextChoices):
        CLOSED = "closed", "closed"
        OPEN = "open", "open"
        HALF_OPEN = "half_open", "half open"

    provider = models.CharField(max_length=20, unique=True)  # the gateway's name
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLOSED)
    consecutive_unknown = models.PositiveIntegerField(default=0)
    # The error-rate window: counted since window_started_at, restarted when it ends or closes.
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_calls = models.PositiveIntegerField(default=0)
    window_errors = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    probe_at = models.DateTimeField(null=True, blank=True)  # open: when one probe may go
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.provider}: {self.state}"


class BreakerChange(models.Model):
    provider = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "-created_at"], name="breaker_change_time")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.from_state} → {self.to_state}"


class ProviderMinute(models.Model):
    """Calls to one provider operation in one minute: counts and a latency histogram."""

    provider = models.CharField(max_length=20)
    operation = models.CharField(max_length=10)  # "submit" | "status"
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)  # no usable answer: timeout, 5xx, refused
    # Counts per LATENCY_BOUNDS_MS bucket, one more for slower calls.
    latency_buckets = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "operation", "minute"], name="provider_minute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.operation} {self.minute:%H:%M}"
