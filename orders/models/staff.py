"""Staff safety: money moves that wait for a second staff member, and the audit log."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.appendonly import AppendOnly
from orders.models.reseller import MONEY

USER = settings.AUTH_USER_MODEL


class StaffProposal(models.Model):
    """A staff money move waiting for a different staff member's approval."""

    class Kind(models.TextChoices):
        BALANCE_ADJUSTMENT = "balance_adjustment", _("Balance adjustment")
        CASHIN_RESOLUTION = "cashin_resolution", _("Cash In resolution")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Approved, but refused when applied")

    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.CashInOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**MONEY)  # signed for adjustments; the order amount otherwise
    to_status = models.CharField(max_length=20, blank=True)
    # The order's status when proposed: approval applies only if it is still there.
    from_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField()
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)  # why rejected, or why applying failed

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="cashin_resolution") | models.Q(order__isnull=False),
                name="proposal_resolution_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount} BDT ({self.status})"


class AuditEntry(AppendOnly):
    """Append-only: who did what to money, state or access, and why."""

    class Action(models.TextChoices):
        PROPOSAL_MADE = "proposal_made", _("Proposal made")
        PROPOSAL_APPROVED = "proposal_approved", _("Proposal approved")
        PROPOSAL_REJECTED = "proposal_rejected", _("Proposal rejected")
        PROPOSAL_EXPIRED = "proposal_expired", _("Proposal expired")
        PROPOSAL_FAILED = "proposal_failed", _("Proposal failed when applied")
        BALANCE_ADJUSTED = "balance_adjusted", _("Balance adjusted by staff")
        ORDER_RESOLVED = "order_resolved", _("Order resolved by staff")
        RESELLER_SUSPENDED = "reseller_suspended", _("Account suspended")
        RESELLER_REACTIVATED = "reseller_reactivated", _("Account reactivated")
        API_KEY_CREATED = "api_key_created", _("API key created")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
        CALLBACK_URL_CHANGED = "callback_url_changed", _("Callback URL changed")
        STAFF_LOGIN = "staff_login", _("Staff login")
        STAFF_LOGIN_FAILED = "staff_login_failed", _("Failed login")
        TWO_FA_SETUP = "2fa_setup", _("Two-factor setup")
        TWO_FA_RESET = "2fa_reset", _("Two-factor reset")
        PLAN_CHANGE = "plan_change", _("Plan changed")
        LIMITS_CHANGE = "limits_change", _("Limits changed")
        KEY_ALLOWLIST_CHANGE = "key_allowlist_change", _("API key IP allow-list changed")
        WEBHOOK_PAYINS_CHANGE = "webhook_payins_change", _("PayIn webhooks turned on or off")

    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    reseller = models.ForeignKey(
        "orders.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reseller", "created_at"], name="audit_reseller_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
