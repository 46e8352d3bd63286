"""The wallet: the ledger (the only code that changes a balance)."""
