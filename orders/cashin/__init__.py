"""Cash In orders: submit (checks, debit, idempotency), provider answers, staff decisions."""
