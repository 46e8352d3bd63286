"""bench/api_throughput.py only: `POST /bench-floor`, the least a durable API submit can cost on
this machine, as a second yardstick beside the bare view.

It makes a submit's writes (the balance, the order, its ledger entry, the daily figure, the
history row) in one hand-written SQL statement, after the key lookup (SQL) and the real
rate-limit count. It is not the panel's submit and applies none of its rules (no state,
limits, fee, idempotency or lifecycle): what no submit path on this machine can beat, however
it were written.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from orders.api.keys import hash_key
from orders.api.ratelimit import count_request

KEY = """
SELECT k.id, r.id FROM orders_apikey k JOIN orders_reseller r ON r.id = k.reseller_id
WHERE k.key_hash = %s AND k.revoked_at IS NULL
"""
SUBMIT = """
WITH wallet AS (
  UPDATE orders_reseller SET balance = balance - %(amount)s
  WHERE id = %(reseller)s AND balance >= %(amount)s RETURNING balance
), placed AS (
  INSERT INTO orders_cashinorder (client_reference, receiver_number, amount, debit_amount,
    status, source, provider_status, job_status, transaction_status, operator_transaction_id,
    provider_failure_reason, refund_order_number, created_at, check_count, resubmit_count,
    last_error, needs_attention, reseller_id, attention_code, attention_params, failure_code,
    failure_params, commission, fee)
  SELECT %(reference)s, %(receiver)s, %(amount)s, %(amount)s, 'submitting', 'api', '', '', '',
    '', '', '', now(), 0, 0, '', false, %(reseller)s, '', '{}', '', '{}', 0, 0 FROM wallet
  RETURNING id
), entry AS (
  INSERT INTO orders_ledgerentry (kind, amount, balance_after, reason, created_at, order_id,
    reseller_id)
  SELECT 'order_debit', -%(amount)s, wallet.balance, '', now(), placed.id, %(reseller)s
  FROM wallet, placed
), day AS (
  INSERT INTO orders_cashinday (reseller_id, day, sent)
  SELECT %(reseller)s, (now() AT TIME ZONE %(zone)s)::date, %(amount)s FROM placed
  ON CONFLICT (reseller_id, day) DO UPDATE SET sent = orders_cashinday.sent + excluded.sent
), history AS (
  INSERT INTO orders_statuschange (from_status, to_status, provider_status, source, reason,
    created_at, order_id, kind, reason_code, reason_params)
  SELECT '', 'submitting', '', 'submit', '', now(), placed.id, 'status', '', '{}' FROM placed
)
SELECT placed.id, wallet.balance FROM placed, wallet
"""


@csrf_exempt
def floor(request):
    body = json.loads(request.body)
    token = request.headers["Authorization"].partition(" ")[2]
    with connection.cursor() as cursor:
        cursor.execute(KEY, [hash_key(token)])
        key_id, reseller_id = cursor.fetchone()
        count_request(key_id)
        values = {
            "amount": Decimal(body["amount"]),
            "reseller": reseller_id,
            "reference": body["client_reference"],
            "receiver": body["receiver_number"],
            "zone": settings.TIME_ZONE,  # the panel's day, not the session's (UTC)
        }
        cursor.execute(SUBMIT, values)
        order_id, balance = cursor.fetchone()
    answer = {"id": order_id, "status": "submitting", "balance": str(balance)}
    return JsonResponse(answer, status=201)
