from datetime import date

from django.core.management.base import BaseCommand, CommandError

from orders.money.reconcile import reconcile_day


class Command(BaseCommand):
    help = "Ask NICTBD and TrustedPay again about every order and PayIn final on a day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="YYYY-MM-DD, a panel-local (Asia/Dhaka) day; default yesterday"
        )

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        report = reconcile_day(day)
        self.stdout.write(
            f"{report.day}: checked {report.orders_checked} orders and {report.payins_checked} "
            f"payins; {report.mismatch_count} mismatches; unchecked {report.errors or 'none'}; "
            f"float difference {report.balance_difference}; {report.ledger_check}"
        )
