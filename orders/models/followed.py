from django.db import models

from orders.lifecycle.guard import GuardedStatusModel
from orders.lifecycle.reasons import render


class FollowedAtProvider(GuardedStatusModel):
    """What the poll sweep and the lifecycle need on anything followed at a provider."""

    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_submit_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    check_count = models.PositiveIntegerField(default=0)
    resubmit_count = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Set and cleared only by orders.lifecycle.transition.flag / unflag.
    needs_attention = models.BooleanField(default=False)
    attention_code = models.CharField(max_length=40, blank=True)
    attention_params = models.JSONField(default=dict, blank=True)
    # Why it failed: our code (orders.lifecycle.reasons) and the provider's words verbatim.
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    provider_failure_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def attention_reason(self) -> str:
        return render(self.attention_code, self.attention_params)

    @property
    def failure_reason(self) -> str:
        if self.failure_code:
            return render(self.failure_code, self.failure_params)
        return self.provider_failure_reason

    @property
    def timeline(self):
        """The history a reseller sees: status and provider changes, not staff's flags."""
        return self.history.exclude(kind="attention")

    @property
    def is_final(self) -> bool:
        return self.lifecycle[self.status].final
