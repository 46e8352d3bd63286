from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orders.wallet.resellers import reseller_create


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
            "--if-missing", action="store_true", help="do nothing if the username exists"
        )

    def handle(self, *args, username, password, email, balance, api_key, if_missing, **options):
        if get_user_model().objects.filter(username=username).exists():
            if if_missing:
                self.stdout.write(f"reseller {username} exists; left as it is")
                return
            raise CommandError(f"user {username!r} already exists")
        try:
            reseller = reseller_create(
                username=username, password=password, email=email, opening_balance=balance
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"created reseller {username} with balance ৳{reseller.balance}")
        if api_key:
            self._print_api_key(reseller)

    def _print_api_key(self, reseller):
        from orders.api.keys import api_key_create  # issue 5

        key, _ = api_key_create(reseller=reseller, name="created by create_reseller")
        self.stdout.write(f"API key (shown once): {key}")
