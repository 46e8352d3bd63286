import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from orders.polling.loop import StopFlag, sweep_loop
from orders.polling.sweep import sweep_once
from orders.submission import submitter


class Command(BaseCommand):
    help = (
        "Check open orders and PayIns at their providers: one sweep (--once) or forever (--loop)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--once", action="store_true", help="run one sweep and exit")
        mode.add_argument("--loop", action="store_true", help="sweep until SIGTERM/SIGINT")
        parser.add_argument("--batch-size", type=int, help="rows claimed per sweep")
        parser.add_argument("--concurrency", type=int, help="status checks in flight at once")

    def handle(self, *args, once, loop, batch_size, concurrency, **options):
        if (batch_size is not None and batch_size < 1) or (
            concurrency is not None and concurrency < 1
        ):
            raise CommandError("--batch-size and --concurrency must be at least 1")
        sweep = {"batch_size": batch_size, "concurrency": concurrency}
        if once:
            self.stdout.write(submitter.submit_once().summary())
            self.stdout.write(sweep_once(**sweep).summary())
            return
        self._loop(sweep)

    def _loop(self, sweep):
        stop = StopFlag().on_signals(signal.SIGTERM, signal.SIGINT)
        # New submissions go out from their own thread, so a long sweep never holds them back.
        sending = threading.Thread(
            target=submitter.run_submitter,
            kwargs={"should_stop": stop.is_set},
            name="submitter",
            daemon=True,
        )
        sending.start()
        self.stdout.write("polling; SIGTERM or Ctrl-C stops after the current sweep")
        self.stdout.flush()
        sweep_loop(stopping=stop.is_set, pause=stop.wait, on_report=self._show, **sweep)
        sending.join(5)
        self.stdout.write("stopped")

    def _show(self, report) -> None:
        if report.checked or report.flagged_overdue:
            self.stdout.write(report.summary())
