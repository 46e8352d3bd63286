from django.db import models


class FollowedAtProvider(models.Model):
    """What the poll sweep needs on anything it follows at a provider."""

    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_submit_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    check_count = models.PositiveIntegerField(default=0)
    resubmit_count = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    needs_attention = models.BooleanField(default=False)
    attention_reason = models.TextField(blank=True)

    class Meta:
        abstract = True
