"""Staff safety: two-person approval of money moves (approvals) and the audit log (audit)."""
