"""Bulk Cash In: one uploaded CSV file and its rows (see orders.cashin.bulk)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.reseller import MONEY


class BulkUpload(models.Model):
    class State(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")

    reseller = models.ForeignKey("orders.Reseller", on_delete=models.PROTECT, related_name="+")
    # SHA-256 of the file's bytes: the same file uploaded again is this batch again.
    file_hash = models.CharField(max_length=64)
    filename = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PREVIEW)
    # Frozen at confirmation: the rows queued to send and their sums.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    queued_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(**MONEY, default=0)
    total_fee = models.DecimalField(**MONEY, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reseller", "file_hash"], name="bulk_file_once"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="bulk_state_created")]

    def __str__(self) -> str:
        return f"{self.filename or self.file_hash[:12]} ({self.state})"


class BulkRow(models.Model):
    class State(models.TextChoices):
        INVALID = "invalid", _("Not valid")  # the file's text cannot be an order
        READY = "ready", _("Ready")  # well formed; limits are checked at confirmation
        QUEUED = "queued", _("Queued")  # confirmed, waiting for the worker
        SENT = "sent", _("Sent")  # an order exists for its reference
        SKIPPED = "skipped", _("Not sent")  # refused at confirmation or by the submit

    upload = models.ForeignKey(BulkUpload, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()  # the record's number in the file (1 = first)
    # The cells as written (cut to these lengths), read again for every page in its language.
    receiver_text = models.CharField(max_length=40, blank=True)
    amount_text = models.CharField(max_length=40, blank=True)
    reference_text = models.CharField(max_length=80, blank=True)
    columns = models.PositiveSmallIntegerField(default=2)  # non-empty cells, trailing cut
    split_thousands = models.BooleanField(default=False)  # orders.cashin.bulk_csv's check
    # Filled when the row is well formed.
    receiver_number = models.CharField(max_length=11, blank=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    client_reference = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices)
    error = models.TextField(blank=True)  # why it was skipped, in the confirmer's language
    order = models.ForeignKey(
        "orders.CashInOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A worker sending this row; another worker takes it only after this time.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "row_number"], name="bulk_row_once"),
        ]
        indexes = [models.Index(fields=["upload", "state"], name="bulk_row_state")]

    def __str__(self) -> str:
        return f"row {self.row_number} ({self.state})"
