"""The callback-URL rule in production (WEBHOOK_ALLOW_PRIVATE_URLS off): one check for the
Developer page, the staff admin and every delivery, which then connects to the checked address.

Host names are resolved through socket.getaddrinfo; tests patch that resolver (not our code)."""

import socket
from decimal import Decimal

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from orders.api import webhooks
from orders.api.webhooks import (
    REFUSED,
    WebhookSettingsError,
    check_callback_url,
    deliver_due,
    webhook_set_callback_url,
)
from orders.models import WebhookAttempt
from tests.factories import ResellerFactory, StaffUserFactory, WebhookDeliveryFactory
from tests.twofactor import log_in_verified

PUBLIC = "93.184.216.34"
SPELLINGS_OF_LOOPBACK = [
    "https://2130706433/",
    "https://0x7f000001/",
    "https://127.1/",
    "https://0177.0.0.1/",
    "https://0/",
    "https://localhost./",
    "https://localhost/",
]
NOT_PUBLIC_LITERALS = [
    "https://127.0.0.1/",
    "https://10.0.0.8/",
    "https://192.168.1.1/",
    "https://172.16.0.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/",  # CGNAT
    "https://224.0.0.1/",  # multicast
    "https://240.0.0.1/",  # reserved
    "https://0.0.0.0/",
    "https://[::1]/",
    "https://[::]/",
    "https://[fe80::1]/",
    "https://[fc00::1]/",
    "https://[ff02::1]/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "https://[::ffff:169.254.169.254]/",
    "https://[::ffff:7f00:1]/",
]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False


class FakeDNS:
    """Stands in for the OS resolver: name -> list of answers, each call recorded."""

    def __init__(self, monkeypatch, answers: dict[str, list[list[str]]]):
        self.answers = answers
        self.calls: list[str] = []
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        queue = self.answers.get(host)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in addresses
        ]


def refused(url: str) -> bool:
    try:
        check_callback_url(url)
    except WebhookSettingsError:
        return True
    return False


@pytest.mark.parametrize("url", SPELLINGS_OF_LOOPBACK)
def test_numeric_and_shortened_spellings_of_loopback_are_refused(url):
    with pytest.raises(WebhookSettingsError, match="not a public address"):
        check_callback_url(url)


@pytest.mark.parametrize("url", NOT_PUBLIC_LITERALS)
def test_addresses_that_are_not_public_are_refused(url):
    with pytest.raises(WebhookSettingsError, match="not a public address"):
        check_callback_url(url)


def test_a_name_that_resolves_to_loopback_is_refused(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [["127.0.0.1"]]})

    with pytest.raises(WebhookSettingsError, match="not a public address"):
        check_callback_url("https://hooks.example.com/cash-in")


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC, "10.1.2.3"]]})

    assert refused("https://hooks.example.com/cash-in")


def test_a_name_resolving_to_ipv4_mapped_loopback_is_refused(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [["::ffff:127.0.0.1"]]})

    assert refused("https://hooks.example.com/cash-in")


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    FakeDNS(monkeypatch, {})

    assert refused("https://nowhere.example.com/")


def test_a_public_name_over_https_is_accepted(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC]]})

    checked = check_callback_url("https://hooks.example.com:8443/cash-in?shop=1")

    assert checked.addresses == (PUBLIC,)


def test_plain_http_is_refused_in_production(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC]]})

    with pytest.raises(WebhookSettingsError, match="https://"):
        check_callback_url("http://hooks.example.com/cash-in")


def test_user_info_in_the_url_is_refused(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC]]})

    assert refused("https://admin:secret@hooks.example.com/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://0x7f000001/", "https://127.1/", "https://[::1]/"])
def test_developer_page_refuses_a_url_that_is_not_public(url):
    reseller = ResellerFactory()
    client = Client()
    client.force_login(reseller.user)

    response = client.post("/developer/webhooks/", {"callback_url": url})

    assert response.status_code == 200
    assert "not a public address" in str(response.context["form"].errors["callback_url"])
    reseller.refresh_from_db()
    assert reseller.callback_url == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/", "http://[::1]/"]
    + ["https://169.254.169.254/latest/meta-data/", "https://127.0.0.1:8000/"]
    + ["https://[::1]/", "https://2130706433/"],
)
def test_admin_refuses_a_callback_url_that_is_not_public(url):
    reseller = ResellerFactory()
    client = Client()
    log_in_verified(client, StaffUserFactory())
    change = reverse("admin:orders_reseller_change", args=[reseller.pk])
    data = {"min_amount": "100", "max_amount": "5000", "daily_limit": "", "callback_url": url}

    response = client.post(change, data)

    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["callback_url"]
    reseller.refresh_from_db()
    assert reseller.callback_url == ""


@pytest.mark.django_db
def test_admin_saves_a_public_callback_url(monkeypatch):
    FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC]]})
    reseller = ResellerFactory()
    client = Client()
    log_in_verified(client, StaffUserFactory())
    change = reverse("admin:orders_reseller_change", args=[reseller.pk])
    data = {"min_amount": "100", "max_amount": "5000", "daily_limit": ""}
    data["callback_url"] = "https://hooks.example.com/cash-in"

    assert client.post(change, data).status_code == 302
    reseller.refresh_from_db()
    assert reseller.callback_url == "https://hooks.example.com/cash-in"


class Recorder:
    """An httpx transport that records requests instead of opening connections."""

    def __init__(self):
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)


@pytest.fixture
def transport(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(
        webhooks, "_client", lambda: httpx.Client(transport=httpx.MockTransport(recorder))
    )
    return recorder


@pytest.mark.django_db
def test_delivery_checks_again_and_refuses_without_connecting(monkeypatch, transport):
    # Public when saved; the name now points at loopback (a DNS rebinding).
    dns = FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC], ["127.0.0.1"]]})
    reseller = ResellerFactory(balance=Decimal("100"))
    webhook_set_callback_url(reseller=reseller, url="https://hooks.example.com/cash-in")
    WebhookDeliveryFactory(order__reseller=reseller, url=reseller.callback_url)

    report = deliver_due()

    assert report.failed == 1 and transport.requests == []
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.error == REFUSED  # no address, port or connection error shown
    assert dns.calls == ["hooks.example.com", "hooks.example.com"]


@pytest.mark.django_db
def test_delivery_to_a_literal_private_address_is_refused_and_reveals_nothing(transport):
    delivery = WebhookDeliveryFactory(url="https://127.0.0.1:6379/")

    deliver_due()

    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.error == "refused: not a public address"
    assert "6379" not in attempt.error and "127.0.0.1" not in attempt.error
    assert transport.requests == []


@pytest.mark.django_db
def test_delivery_connects_to_the_checked_address_with_the_name_as_host_and_sni(
    monkeypatch, transport
):
    # The second answer would point elsewhere: only one lookup may happen per attempt.
    dns = FakeDNS(monkeypatch, {"hooks.example.com": [[PUBLIC], ["127.0.0.1"]]})
    delivery = WebhookDeliveryFactory(url="https://hooks.example.com:8443/cash-in?shop=1")

    report = deliver_due()

    assert report.delivered == 1
    assert dns.calls == ["hooks.example.com"]
    [request] = transport.requests
    assert request.url.host == PUBLIC and request.url.port == 8443
    assert request.url.path == "/cash-in" and request.url.query == b"shop=1"
    assert request.headers["Host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["X-Panel-Delivery"] == str(delivery.pk)


def test_tls_is_checked_against_the_name_not_the_address():
    """httpcore hands `sni_hostname` to the TLS layer as server_hostname, which is what
    ssl checks the certificate against."""
    import inspect

    from httpcore._sync import connection

    source = inspect.getsource(connection.HTTPConnection._connect)
    assert '"server_hostname": sni_hostname' in source
