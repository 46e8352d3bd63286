"""The staff side: orders, resellers, PayIns and the ledger, read-only except through services."""

from orders.admin import (  # noqa: F401  (each registers its models)
    approvals,
    cashin,
    health,
    money,
    payins,
    resellers,
)
from orders.api import admin as api_admin  # noqa: F401  (API keys, webhook deliveries)
