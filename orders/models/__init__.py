from orders.models.api import ApiKey, ApiRateCount, WebhookAttempt, WebhookDelivery
from orders.models.bulk import BulkRow, BulkUpload
from orders.models.cashin import CashInDay, CashInOrder, OrderStatus
from orders.models.health import BreakerChange, ProviderBreaker, ProviderMinute
from orders.models.history import StatusChange
from orders.models.ledger import LedgerEntry
from orders.models.money import FloatSnapshot, ReconciliationMismatch, ReconciliationReport
from orders.models.outbox import OutboxEvent
from orders.models.payin import PayIn, PayInStatus
from orders.models.reseller import Reseller
from orders.models.security import LoginThrottle, OneTimeSecret
from orders.models.staff import AuditEntry, StaffProposal
from orders.models.tree import RatePlan, Transfer

__all__ = [
    "ApiKey",
    "ApiRateCount",
    "WebhookAttempt",
    "WebhookDelivery",
    "CashInDay",
    "CashInOrder",
    "LedgerEntry",
    "OrderStatus",
    "OutboxEvent",
    "PayIn",
    "PayInStatus",
    "Reseller",
    "StatusChange",
    "FloatSnapshot",
    "ReconciliationMismatch",
    "ReconciliationReport",
    "BulkRow",
    "BulkUpload",
    "LoginThrottle",
    "OneTimeSecret",
    "AuditEntry",
    "StaffProposal",
    "RatePlan",
    "Transfer",
    "BreakerChange",
    "ProviderBreaker",
    "ProviderMinute",
]
