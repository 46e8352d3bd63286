"""A real HTTP receiver on a free loopback port, in a thread: it checks each webhook's
signature with the secret it is given (401 if wrong) and answers as planned (status codes,
or a delay)."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self):
        self.secret = ""
        self.plan: list = []  # each: an HTTP status, or ("sleep", seconds, status)
        self.requests: list[dict] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, delay = receiver._next(self.headers, body)
                time.sleep(delay)
                with receiver.lock:
                    receiver.in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler

    def _next(self, headers, body: bytes):
        timestamp = headers.get("X-Panel-Timestamp", "")
        expected = hmac.new(
            self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.requests.append(
                {
                    "valid": hmac.compare_digest(expected, headers.get("X-Panel-Signature", "")),
                    "timestamp": timestamp,
                    "event": headers.get("X-Panel-Event"),
                    "json": json.loads(body),
                }
            )
            step = self.plan.pop(0) if self.plan else 200
        if not self.requests[-1]["valid"]:
            return 401, 0  # as a careful reseller's server would
        if isinstance(step, tuple):
            return step[2], step[1]
        return step, 0

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.WHITENOISE_AUTOREFRESH = True  # see tests/api/conftest.py
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receiver listens on loopback
