"""Serve the sandbox NICTBD and TrustedPay providers until SIGINT or SIGTERM.

Defaults come from the environment (SANDBOX_*); the providers' credentials from settings, so a
panel and a sandbox started with the same environment agree on them.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gateways.sandbox.app import build_app, start_site
from gateways.sandbox.config import CHOICES, SandboxConfig
from panel.env import envbool, envfloat, envstr

CREDENTIALS = {
    "nictbd_store_id": "NICTBD_STORE_ID",
    "nictbd_api_key": "NICTBD_API_KEY",
    "nictbd_api_secret": "NICTBD_API_SECRET",
    "trustedpay_api_key": "TRUSTEDPAY_API_KEY",
    "trustedpay_api_secret": "TRUSTEDPAY_API_SECRET",
}


class Command(BaseCommand):
    help = "Serve the sandbox bKash Cash In (NICTBD) and PayIn (TrustedPay) providers."
    requires_system_checks = []  # it touches no model or database

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100, help="0 picks a free port")
        parser.add_argument(
            "--final-after",
            type=float,
            default=envfloat("SANDBOX_FINAL_AFTER", 20.0),
            help="seconds from submit to the final status",
        )
        parser.add_argument("--latency-ms", type=float, default=envfloat("SANDBOX_LATENCY_MS", 0.0))
        parser.add_argument("--error-rate", type=float, default=envfloat("SANDBOX_ERROR_RATE", 0.0))
        parser.add_argument(
            "--throttle-rate", type=float, default=envfloat("SANDBOX_THROTTLE_RATE", 0.0)
        )
        parser.add_argument(
            "--html-errors",
            action=argparse.BooleanOptionalAction,
            default=envbool("SANDBOX_HTML_ERRORS", False),
        )
        parser.add_argument(
            "--malformed-rate", type=float, default=envfloat("SANDBOX_MALFORMED_RATE", 0.0)
        )
        parser.add_argument(
            "--submit-hang-seconds",
            type=float,
            default=envfloat("SANDBOX_SUBMIT_HANG_SECONDS", 30.0),
        )
        parser.add_argument(
            "--nictbd-submit-claims",
            default=envstr("SANDBOX_NICTBD_SUBMIT_CLAIMS", ""),
            help="the status every submit answer claims: successfull or failed (default: none)",
        )
        parser.add_argument(
            "--trustedpay-create-claims",
            default=envstr("SANDBOX_TRUSTEDPAY_CREATE_CLAIMS", ""),
            help="the status every create answer claims: success (default: none)",
        )
        parser.add_argument(
            "--hostile-fields",
            action=argparse.BooleanOptionalAction,
            default=envbool("SANDBOX_HOSTILE_FIELDS", False),
            help="over-long fields, NUL characters and non-https payment links in answers",
        )
        parser.add_argument(
            "--nictbd-misreports",
            action=argparse.BooleanOptionalAction,
            default=envbool("SANDBOX_NICTBD_MISREPORTS", False),
            help="NICTBD status answers name another amount and receiver than were sent",
        )

    def handle(self, *args, **options):
        try:
            config = SandboxConfig(
                final_after=options["final_after"],
                latency_ms=options["latency_ms"],
                error_rate=options["error_rate"],
                throttle_rate=options["throttle_rate"],
                html_errors=options["html_errors"],
                malformed_rate=options["malformed_rate"],
                submit_hang_seconds=options["submit_hang_seconds"],
                **{name: options[name] for name in CHOICES},
                hostile_fields=options["hostile_fields"],
                nictbd_misreports=options["nictbd_misreports"],
                **{field: getattr(settings, name, "") for field, name in CREDENTIALS.items()},
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            asyncio.run(self.serve(config, options["host"], options["port"]))
        except OSError as exc:
            where = f"{options['host']}:{options['port']}"
            raise CommandError(f"cannot listen on {where}: {exc}") from None

    async def serve(self, config: SandboxConfig, host: str, port: int) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        runner, port = await start_site(build_app(config), host, port)
        try:
            self.stdout.write(f"Sandbox providers on http://{host}:{port}")
            self.stdout.write(self.describe(config))
            self.stdout.flush()
            await stop.wait()
        finally:
            await runner.cleanup()
        self.stdout.write("Sandbox stopped.")

    @staticmethod
    def describe(config: SandboxConfig) -> str:
        checks, lies = [], []
        if config.nictbd_submit_claims:
            lies.append(f"NICTBD submits claim {config.nictbd_submit_claims}")
        if config.trustedpay_create_claims:
            lies.append(f"TrustedPay creates claim {config.trustedpay_create_claims}")
        if config.hostile_fields:
            lies.append("hostile fields")
        if config.nictbd_misreports:
            lies.append("NICTBD misreports amount and receiver")
        if config.nictbd_credentials:
            checks.append("NICTBD credentials")
        if config.trustedpay_api_secret:
            checks.append("TrustedPay signatures")
        return (
            f"final after {config.final_after:g}s, latency {config.latency_ms:g}ms, "
            f"error rate {config.error_rate:g}, throttle rate {config.throttle_rate:g}, "
            f"malformed rate {config.malformed_rate:g}, "
            f"HTML errors {'on' if config.html_errors else 'off'}, "
            f"submit hang {config.submit_hang_seconds:g}s; "
            f"checking {', '.join(checks) or 'no credentials'}"
            + "".join(f"; {lie}" for lie in lies)
        )
