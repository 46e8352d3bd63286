"""A Hypothesis state machine over submits, submitter rounds, provider answers, faults, sweeps,
redelivered tasks and PayIns. After every step: balance >= 0, balance = sum of entries, at most
one debit and one refund per order, a refund only after failed/refunded, at most one credit per
PayIn, and each day's limit figure = that day's debited, unrefunded orders."""

import contextlib
import time
from decimal import Decimal

import pytest
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from orders.cashin.provider import cashin_check_now
from orders.cashin.submit import cashin_submit
from orders.errors import OrderError
from orders.models import CashInOrder, LedgerEntry, OrderStatus, PayIn
from orders.payin.create import payin_create
from orders.payin.provider import payin_check_now
from orders.polling.sweep import sweep_once
from tests.factories import ResellerFactory
from tests.orders.conftest import assert_ledger_consistent, send_submissions

K = LedgerEntry.Kind
# Outcome digits of the sandbox, without 4 (its submit hangs a whole second by design).
CASHIN_DIGITS = st.sampled_from([0, 1, 2, 3, 5, 6, 7, 8, 9])
PAYIN_DIGITS = st.sampled_from([0, 1, 2, 3, 4])


def make_machine(sandbox):
    class Wallet(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            sandbox.configure(error_rate=0.0, malformed_rate=0.0)
            self.reseller = ResellerFactory(balance=Decimal("3000"))

        @rule(digit=CASHIN_DIGITS, amount=st.sampled_from(["50", "500", "1000", "2999.99"]))
        def submit(self, digit, amount):
            with contextlib.suppress(OrderError):  # refused: limits or balance
                cashin_submit(
                    reseller=self.reseller, receiver_number=f"0171234567{digit}", amount=amount
                )

        @rule(digit=PAYIN_DIGITS)
        def add_funds(self, digit):
            payin_create(
                reseller=self.reseller,
                amount="700",
                wallet_provider="Nagad",
                mobile_number=f"0187245678{digit}",
                email="payer@example.com",
                customer_name="Payer",
            )

        @rule(error_rate=st.sampled_from([0.0, 0.5, 1.0]), malformed=st.booleans())
        def provider_fault(self, error_rate, malformed):
            sandbox.configure(error_rate=error_rate, malformed_rate=0.5 if malformed else 0.0)

        @rule()
        def submitter_round(self):
            send_submissions()

        @rule(data=st.data(), outcome=st.sampled_from(["successfull", "failed", "refunded"]))
        def provider_decides(self, data, outcome):
            sent = CashInOrder.objects.filter(reseller=self.reseller, last_submit_at__isnull=False)
            references = list(sent.values_list("client_reference", flat=True))
            if references:
                with contextlib.suppress(KeyError, ValueError):  # a submit it never received
                    sandbox.force(data.draw(st.sampled_from(references)), outcome)

        @rule()
        def poll(self):
            sweep_once()

        @rule()
        def time_passes(self):
            time.sleep(0.25)

        @rule(data=st.data())
        def redelivered_check(self, data):
            orders = list(CashInOrder.objects.filter(reseller=self.reseller).values_list("pk"))
            if orders:
                cashin_check_now(order_id=data.draw(st.sampled_from(orders))[0], source="worker")
            payins = list(PayIn.objects.filter(reseller=self.reseller).values_list("pk"))
            if payins:
                payin_check_now(payin_id=data.draw(st.sampled_from(payins))[0], source="worker")

        @invariant()
        def money_is_consistent(self):
            assert_ledger_consistent(self.reseller.pk)

        @invariant()
        def at_most_one_debit_and_refund_per_order(self):
            per_order = (
                LedgerEntry.objects.filter(reseller=self.reseller, order__isnull=False)
                .values("order", "kind")
                .annotate(n=Count("pk"))
            )
            assert all(row["n"] == 1 for row in per_order)

        @invariant()
        def refunds_only_after_failed_or_refunded(self):
            refunded_orders = LedgerEntry.objects.filter(
                reseller=self.reseller, kind=K.ORDER_REFUND
            ).values("order")
            statuses = set(
                CashInOrder.objects.filter(pk__in=refunded_orders).values_list("status", flat=True)
            )
            assert statuses <= {OrderStatus.FAILED, OrderStatus.REFUNDED}

        @invariant()
        def at_most_one_credit_per_payin(self):
            per_payin = (
                LedgerEntry.objects.filter(reseller=self.reseller, payin__isnull=False)
                .values("payin", "kind")
                .annotate(n=Count("pk"))
            )
            assert all(row["n"] == 1 for row in per_payin)

        def teardown(self):
            sandbox.configure(error_rate=0.0, malformed_rate=0.0)

    return Wallet


@pytest.mark.django_db(transaction=True)
def test_money_invariants_hold_under_any_sequence(sandbox, fast_polling):
    run_state_machine_as_test(
        make_machine(sandbox),
        settings=settings(
            max_examples=12,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
