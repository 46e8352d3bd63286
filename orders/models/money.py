"""The staff's money records: NICTBD float snapshots and the daily reconciliation."""

from django.db import models

from orders.models.reseller import MONEY


class FloatSnapshot(models.Model):
    """NICTBD's merchant balance as its balance-check endpoint answered (orders.money.float)."""

    balance = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=8, blank=True)
    taken_at = models.DateTimeField(db_index=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-taken_at"]
        get_latest_by = "taken_at"

    def __str__(self) -> str:
        return f"{self.balance} {self.currency} at {self.taken_at:%Y-%m-%d %H:%M}"


class ReconciliationReport(models.Model):
    """One per panel-local day; re-running the day updates this row (orders.money.reconcile)."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    orders_checked = models.PositiveIntegerField(default=0)
    payins_checked = models.PositiveIntegerField(default=0)
    mismatch_count = models.PositiveIntegerField(default=0)
    # Provider faults that left a row unchecked this run (kind -> count); re-run the day later.
    errors = models.JSONField(default=dict, blank=True)
    # NICTBD balance at the first and last snapshot of the day, and what our records say left it.
    balance_start = models.DecimalField(**MONEY, null=True, blank=True)
    balance_end = models.DecimalField(**MONEY, null=True, blank=True)
    provider_debit_total = models.DecimalField(**MONEY, default=0)
    balance_difference = models.DecimalField(**MONEY, null=True, blank=True)
    # Our own figures off the ledger when the day was reconciled (orders.wallet.consistency):
    # {"balances": [...], "daily_figures": [...]}, each item {reseller, held, ledger}; balances
    # as they were at finished_at, daily figures of `day`. {"error": "..."}: the check failed.
    ledger_drift = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Reconciliation {self.day}"

    @property
    def off_ledger(self) -> int:
        """How many balances and daily figures disagreed with the ledger."""
        return sum(len(self.ledger_drift.get(part, [])) for part in ("balances", "daily_figures"))

    @property
    def ledger_check(self) -> str:
        """The ledger check's outcome in a line (admin list, reconcile command, task result)."""
        if error := self.ledger_drift.get("error"):
            return f"ledger check failed: {error}"
        if not self.ledger_drift:
            return "ledger not checked"
        if not self.off_ledger:
            return "balances and daily figures agree with the ledger"
        balances, figures = self.ledger_drift["balances"], self.ledger_drift["daily_figures"]
        return f"OFF THE LEDGER: {len(balances)} balances, {len(figures)} daily figures"


class ReconciliationMismatch(models.Model):
    class Problem(models.TextChoices):
        STATUS = "status", "status differs"
        AMOUNT = "amount", "amount or debit differs"
        UNKNOWN = "unknown", "unknown to the provider"

    report = models.ForeignKey(
        ReconciliationReport, on_delete=models.CASCADE, related_name="mismatches"
    )
    kind = models.CharField(max_length=8)  # cashin | payin
    reference = models.CharField(max_length=64)
    problem = models.CharField(max_length=8, choices=Problem.choices)
    order = models.ForeignKey(
        "orders.CashInOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payin = models.ForeignKey(
        "orders.PayIn", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ours = models.JSONField(default=dict)
    theirs = models.JSONField(default=dict)
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reconciliation mismatches"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "reference", "problem"], name="mismatch_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}: {self.problem}"
