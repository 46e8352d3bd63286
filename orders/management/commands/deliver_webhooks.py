import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from orders.api.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send due webhook deliveries once, or with --loop until stopped (SIGTERM/Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sending until stopped")
        parser.add_argument("--idle", type=float, default=1.0, help="pause when nothing is due")

    def handle(self, *args, loop, idle, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        while True:
            close_old_connections()
            report = deliver_due()
            if report.attempted:
                self.stdout.write(
                    f"{report.attempted} sent: {report.delivered} delivered, "
                    f"{report.failed} failed, {report.gave_up} gave up"
                )
            if not loop or self.stopping:
                return
            if not report.attempted:
                time.sleep(idle)

    def _stop(self, signum, frame):
        self.stopping = True
