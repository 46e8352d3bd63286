"""factory-boy factories for every model. Balances are set through the ledger, never directly."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orders.lifecycle.declaration import Money
from orders.models import CashInOrder, OrderStatus, PayIn, PayInStatus, Reseller
from orders.wallet.ledger import apply_money, staff_adjust_balance

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    is_superuser = True


class ResellerFactory(factory.django.DjangoModelFactory):
    """`ResellerFactory(balance=Decimal("1000"))` funds the wallet with an adjustment entry."""

    class Meta:
        model = Reseller
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"reseller{n}"))

    @factory.post_generation
    def balance(self, create, extracted, **kwargs):
        if create and extracted:
            staff_adjust_balance(
                reseller_id=self.pk, amount=Decimal(extracted), staff_user=None, reason="test funds"
            )
            self.refresh_from_db()


class CashInOrderFactory(factory.django.DjangoModelFactory):
    """An order row as the sweep sees it (no ledger entry: use services to move money)."""

    class Meta:
        model = CashInOrder
        skip_postgeneration_save = True

    reseller = factory.SubFactory(ResellerFactory)
    client_reference = factory.Sequence(lambda n: f"TEST-{n:08d}")
    receiver_number = "01712345670"
    amount = Decimal("500.00")
    debit_amount = factory.SelfAttribute("amount")
    status = OrderStatus.PENDING
    provider_status = "processing"
    next_check_at = factory.LazyFunction(timezone.now)
    # Sent to NICTBD (a queued, never-sent order has none: pass last_submit_at=None).
    last_submit_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def debited(self, create, extracted, **kwargs):
        """`debited=True`: the wallet was debited for it, as a real submit does."""
        if create and extracted:
            with transaction.atomic():
                apply_money(self, Money.DEBIT)


class PayInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayIn

    reseller = factory.SubFactory(ResellerFactory)
    external_id = factory.Sequence(lambda n: f"PIN-TEST-{n:08d}")
    amount = Decimal("1000.00")
    wallet_provider = PayIn.WalletProvider.BKASH
    mobile_number = "01872456780"
    email = "payer@example.com"
    customer_name = "Test Payer"
    status = PayInStatus.PENDING
    next_check_at = factory.LazyFunction(timezone.now)


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A key row as the Developer page lists it (its plaintext is unknown: use api_key_create
    for a key that authenticates)."""

    class Meta:
        model = "orders.ApiKey"

    reseller = factory.SubFactory(ResellerFactory)
    name = "shop server"
    prefix = factory.Sequence(lambda n: f"rk_{n:06d}")
    key_hash = factory.Sequence(lambda n: f"{n:064x}")


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.WebhookDelivery"

    order = factory.SubFactory(CashInOrderFactory, status=OrderStatus.SUCCESS)
    reseller = factory.SelfAttribute("order.reseller")
    event = "cashin.success"
    url = "https://shop.example.com/hooks/cash-in"
    payload = factory.LazyAttribute(lambda d: {"client_reference": d.order.client_reference})
    next_attempt_at = factory.LazyFunction(timezone.now)


class WebhookAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.WebhookAttempt"

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    status_code = 500
    duration_ms = 120
