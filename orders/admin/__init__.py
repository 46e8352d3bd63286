"""The staff side: orders, resellers, PayIns and the ledger, read-only except through services."""

from orders.admin import approvals, cashin, payins, resellers  # noqa: F401  (each registers its models)
from orders.api import admin as api_admin  # noqa: F401  (API keys, webhook deliveries)
