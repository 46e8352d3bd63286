from orders.models.api import ApiKey, WebhookAttempt, WebhookDelivery
from orders.models.cashin import CashInOrder, OrderStatus
from orders.models.history import StatusChange
from orders.models.ledger import LedgerEntry
from orders.models.outbox import OutboxEvent
from orders.models.payin import PayIn, PayInStatus
from orders.models.reseller import Reseller
from orders.models.tree import RatePlan, Transfer

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
    "RatePlan",
    "Transfer",
]
