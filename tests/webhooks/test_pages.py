"""The reseller's /developer/ pages and the staff admin for keys and deliveries."""

from decimal import Decimal

import pytest
from django.test import Client

import orders.api.admin  # noqa: F401  (registers the admin classes, as orders.admin will)
from orders.api.webhooks import deliver_due, webhook_set_callback_url
from orders.models import ApiKey, Reseller, WebhookDelivery
from tests.factories import PASSWORD, ResellerFactory, StaffUserFactory
from tests.twofactor import log_in_verified
from tests.webhooks.test_delivery import finish_order
from tests.webhooks.test_payins import finish_payin


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("1000"))


@pytest.fixture
def browser(reseller):
    client = Client()
    client.force_login(reseller.user)
    return client


@pytest.fixture
def staff(db):
    client = Client()
    log_in_verified(client, StaffUserFactory())
    return client


def test_new_key_is_shown_once_and_then_only_its_prefix(browser, reseller):
    response = browser.post("/developer/keys/", {"name": "shop server"}, follow=True)

    key = ApiKey.objects.get(reseller=reseller)
    plaintext = response.context["new_key"]["key"]
    assert plaintext.startswith(key.prefix)
    assert plaintext in response.content.decode()
    again = browser.get("/developer/keys/").content.decode()
    assert plaintext not in again
    assert key.prefix in again and "shop server" in again
    api = Client().get("/api/v1/balance", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.status_code == 200


def test_reseller_revokes_own_key_not_anothers(browser, reseller):
    from orders.api.keys import api_key_create

    _, mine = api_key_create(reseller=reseller, name="mine")
    _, theirs = api_key_create(reseller=ResellerFactory(), name="theirs")

    browser.post(f"/developer/keys/{mine.pk}/revoke/")
    assert browser.post(f"/developer/keys/{theirs.pk}/revoke/").status_code == 404

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "revoked" in browser.get("/developer/keys/").content.decode()


def test_key_name_is_required(browser, reseller):
    response = browser.post("/developer/keys/", {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiKey.objects.exists()


def test_staff_without_a_wallet_gets_403_on_reseller_pages(staff):
    assert staff.get("/developer/keys/").status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = Client().get("/developer/webhooks/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_webhook_settings_set_url_show_and_rotate_secret(browser, reseller, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    browser.post("/developer/webhooks/", {"callback_url": "http://127.0.0.1:9/hook"})
    reseller.refresh_from_db()
    first_secret = reseller.webhook_secret
    assert reseller.callback_url == "http://127.0.0.1:9/hook" and first_secret
    assert first_secret in browser.get("/developer/webhooks/").content.decode()

    browser.post("/developer/webhooks/rotate-secret/")

    reseller.refresh_from_db()
    assert reseller.webhook_secret and reseller.webhook_secret != first_secret


def test_bad_callback_url_is_a_form_error(browser, reseller):
    response = browser.post("/developer/webhooks/", {"callback_url": "ftp://x"})
    assert response.status_code == 200
    assert response.context["form"].errors["callback_url"]
    reseller.refresh_from_db()
    assert reseller.callback_url == ""


def test_deliveries_page_shows_attempts_and_sends_again(browser, reseller, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    webhook_set_callback_url(reseller=reseller, url=receiver.url)
    receiver.secret = reseller.webhook_secret
    order = finish_order(reseller)
    receiver.plan = [500]
    deliver_due()
    delivery = WebhookDelivery.objects.get()

    page = browser.get("/developer/webhooks/").content.decode()
    assert order.client_reference in page
    assert "HTTP 500" in page and "cashin.success" in page

    browser.post(f"/developer/webhooks/deliveries/{delivery.pk}/send-again/")
    deliver_due()

    assert WebhookDelivery.objects.filter(state="delivered").count() == 1
    assert "HTTP 200" in browser.get("/developer/webhooks/").content.decode()


def test_staff_admin_shows_attempts_and_sends_again(staff, reseller, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    webhook_set_callback_url(reseller=reseller, url=receiver.url)
    receiver.secret = reseller.webhook_secret
    finish_order(reseller)
    receiver.plan = [502]
    deliver_due()
    delivery = WebhookDelivery.objects.get()

    page = staff.get(f"/admin/orders/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "502" in page and "HTTP 502" in page

    staff.post(
        "/admin/orders/webhookdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    deliver_due()
    assert WebhookDelivery.objects.filter(state="delivered").count() == 1


def test_staff_creates_a_key_in_the_admin_and_sees_it_once(staff, reseller):
    response = staff.post(
        "/admin/orders/apikey/add/", {"reseller": reseller.pk, "name": "by staff"}, follow=True
    )

    key = ApiKey.objects.get()
    html = response.content.decode()  # the one-time page (tests/api/test_key_access.py)
    plaintext = html.split("<code data-new-key>")[1].split("</code>")[0]
    assert plaintext.startswith(key.prefix)
    assert (
        Client().get("/api/v1/balance", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200
    )

    staff.post("/admin/orders/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_create_reseller_command_prints_a_working_key(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_reseller", "shop1", password=PASSWORD, balance=Decimal("1000.00"),
                 api_key=True, stdout=out)  # fmt: skip

    plaintext = out.getvalue().split("API key (shown once): ")[1].strip()
    response = Client().get("/api/v1/balance", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.json() == {"balance": "1000.00", "currency": "BDT"}


def test_webhook_page_turns_payins_on_and_lists_payin_deliveries(browser, reseller, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    url = "http://127.0.0.1:9/hook"

    form = {"callback_url": url, "payin_events_shown": "1"}

    browser.post("/developer/webhooks/", {**form, "payin_events": "on"})
    reseller.refresh_from_db()
    assert reseller.webhook_payins is True
    payin = finish_payin(reseller)

    page = browser.get("/developer/webhooks/").content.decode()
    assert payin.external_id in page and "payin.success" in page
    assert 'name="payin_events" id="id_payin_events" value="on" checked' in page

    browser.post("/developer/webhooks/", {"callback_url": url})  # not the page's form
    assert Reseller.objects.get(pk=reseller.pk).webhook_payins is True
    browser.post("/developer/webhooks/", form)  # the page's form, box unticked
    reseller.refresh_from_db()
    assert reseller.webhook_payins is False


def test_staff_find_a_payin_delivery_by_its_external_id(staff, reseller, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    webhook_set_callback_url(reseller=reseller, url="http://127.0.0.1:9/hook", payins=True)
    payin = finish_payin(reseller)

    listed = staff.get("/admin/orders/webhookdelivery/", {"q": payin.external_id})

    assert [d.payin_id for d in listed.context["cl"].result_list] == [payin.pk]
    assert "payin.success" in listed.content.decode()
