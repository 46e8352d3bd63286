from orders.models.api import ApiKey, WebhookAttempt, WebhookDelivery
from orders.models.cashin import CashInOrder, OrderStatus
from orders.models.health import BreakerChange, ProviderBreaker, ProviderMinute
from orders.models.history import StatusChange
from orders.models.ledger import LedgerEntry
from orders.models.outbox import OutboxEvent
from orders.models.payin import PayIn, PayInStatus
from orders.models.reseller import Reseller

__all__ = [
    "ApiKey",
    "WebhookAttempt",
    "WebhookDelivery",
    "CashInOrder",
    "LedgerEntry",
    "OrderStatus",
    "OutboxEvent",
    "PayIn",
    "PayInStatus",
    "Reseller",
    "StatusChange",
    "BreakerChange",
    "ProviderBreaker",
    "ProviderMinute",
]
