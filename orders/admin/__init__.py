"""The staff side: orders, resellers, PayIns and the ledger, read-only except through services."""

from orders.admin import cashin, payins, resellers  # noqa: F401  (each registers its models)
