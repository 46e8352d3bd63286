from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orders.api.keys import api_key_create
from orders.models import ApiKey, Reseller
from orders.wallet.resellers import reseller_create

DEMO_RESELLER = ("demo", "demo-cashin-2026")
DEMO_STAFF = ("staff", "staff-cashin-2026")
DEMO_BALANCE = Decimal("50000.00")


class Command(BaseCommand):
    help = "Create (or reset) the demo reseller and staff logins; DEBUG only. Prints the logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("setup_demo only runs with DEBUG=1: it sets known passwords")
        reseller = self._reseller()
        self._staff()
        key = self._api_key(reseller)
        username, password = DEMO_RESELLER
        self.stdout.write(
            f"Reseller login: {username} / {password}  (balance ৳{reseller.balance})\n"
            f"Staff login:    {DEMO_STAFF[0]} / {DEMO_STAFF[1]}  (/admin/)\n"
            f"API key of the demo reseller: {key}"
        )

    def _reseller(self) -> Reseller:
        username, password = DEMO_RESELLER
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            return reseller_create(
                username=username,
                password=password,
                opening_balance=DEMO_BALANCE,
                check_password=False,
            )
        user.set_password(password)
        user.save(update_fields=["password"])
        return user.reseller

    def _staff(self) -> None:
        username, password = DEMO_STAFF
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password(password)
        user.save()

    def _api_key(self, reseller: Reseller) -> str:
        # A fresh demo key each run: the old plaintext cannot be shown again.
        ApiKey.objects.filter(reseller=reseller, name="demo").delete()
        key, _ = api_key_create(reseller=reseller, name="demo")
        return key
