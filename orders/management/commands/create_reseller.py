from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orders.errors import OrderError
from orders.models import Reseller
from orders.wallet.resellers import reseller_create
from orders.wallet.transfers import transfer_create
from orders.wallet.tree import sub_reseller_create


def balance_argument(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = "Create a reseller login with a wallet (and, with --api-key, print a new API key)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--balance", type=balance_argument, default=Decimal("0"))
        parser.add_argument("--api-key", action="store_true", help="create and print an API key")
        parser.add_argument(
            "--parent",
            help="create a sub-reseller under this reseller; --balance then comes out of the "
            "parent's wallet as a transfer",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="do nothing if the username exists"
        )

    def handle(self, *args, username, password, email, balance, api_key, if_missing, parent,
               **options):  # fmt: skip
        if get_user_model().objects.filter(username=username).exists():
            if if_missing:
                self.stdout.write(f"reseller {username} exists; left as it is")
                return
            raise CommandError(f"user {username!r} already exists")
        try:
            if parent:
                reseller = self._create_child(username, password, email, balance, parent)
            else:
                reseller = reseller_create(
                    username=username, password=password, email=email, opening_balance=balance
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except OrderError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"created reseller {username} with balance ৳{reseller.balance}")
        if api_key:
            self._print_api_key(reseller)

    def _create_child(self, username, password, email, balance, parent_name):
        parent = Reseller.objects.filter(user__username=parent_name).first()
        if parent is None:
            raise CommandError(f"no reseller {parent_name!r}")
        with transaction.atomic():  # a transfer refused for want of balance creates no child
            child = sub_reseller_create(parent=parent, username=username, password=password)
            if email:
                get_user_model().objects.filter(pk=child.user_id).update(email=email)
            if balance:
                transfer_create(parent=parent, child_id=child.pk, amount=balance,
                                note="Opening balance")  # fmt: skip
        child.refresh_from_db()
        return child

    def _print_api_key(self, reseller):
        from orders.api.keys import api_key_create  # issue 5

        key, _ = api_key_create(reseller=reseller, name="created by create_reseller")
        self.stdout.write(f"API key (shown once): {key}")
