"""Login throttling counters and one-time secrets (README "Security")."""

from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    """Failed logins for one username or one client IP, and until when it is held back."""

    class Scope(models.TextChoices):
        USERNAME = "username", "username"
        IP = "ip", "ip"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=200)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.failures}"


class OneTimeSecret(models.Model):
    """A secret shown to one staff member on one page view, then deleted (e.g. a new API key)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    secret = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
