"""A staff-created key is shown once on a page (never in a cookie); per-key IP allow-lists."""

import logging

from orders.api.keys import api_key_create
from orders.models import ApiKey, OneTimeSecret


def bearer(key, ip="127.0.0.1"):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "REMOTE_ADDR": ip}


def test_staff_created_key_is_shown_once_and_never_in_a_cookie(client, staff_login, reseller):
    staff_login(client)

    created = client.post(
        "/admin/orders/apikey/add/", {"reseller": reseller.pk, "name": "shop", "allowed_ips": ""}
    )
    assert created.status_code == 302 and "/shown-once/" in created.url
    shown = client.get(created.url)
    plaintext = shown.content.decode().split("<code data-new-key>")[1].split("</code>")[0]
    again = client.get(created.url)

    assert plaintext.startswith("rk_")
    assert ApiKey.objects.get(reseller=reseller).prefix == plaintext[:11]
    assert again.status_code == 404
    assert not OneTimeSecret.objects.exists()
    for response in (created, shown, again):
        assert plaintext not in str(response.cookies)
        assert all(plaintext not in value for _name, value in response.items())
    assert "no-store" in shown["Cache-Control"]


def test_another_staff_member_cannot_see_the_new_key(client, staff_login, reseller):
    staff_login(client)
    url = client.post("/admin/orders/apikey/add/", {"reseller": reseller.pk, "name": "s"}).url
    client.logout()
    staff_login(client)

    assert client.get(url).status_code == 404


def test_a_key_with_an_allow_list_answers_403_json_from_another_address(client, reseller, caplog):
    plaintext, key = api_key_create(reseller=reseller, name="shop")
    key.allowed_ips = "203.0.113.0/24\n2001:db8::/32"
    key.save()

    with caplog.at_level(logging.WARNING, logger="orders.api.allowlist"):
        refused = client.get("/api/v1/balance", **bearer(plaintext, ip="198.51.100.1"))
    allowed = client.get("/api/v1/balance", **bearer(plaintext, ip="203.0.113.9"))

    assert refused.status_code == 403
    assert refused.json()["code"] == "ip_not_allowed"
    assert "198.51.100.1" in caplog.text
    assert allowed.status_code == 200


def test_last_used_ip_is_recorded_and_shown(client, reseller, staff_login):
    plaintext, key = api_key_create(reseller=reseller, name="shop")
    client.get("/api/v1/balance", **bearer(plaintext, ip="192.0.2.44"))
    key.refresh_from_db()
    assert key.last_used_ip == "192.0.2.44"

    client.force_login(reseller.user)
    assert b"192.0.2.44" in client.get("/developer/keys/").content
    staff_login(client)
    assert b"192.0.2.44" in client.get("/admin/orders/apikey/").content


def test_admin_refuses_a_bad_allow_list(client, staff_login, reseller):
    staff_login(client)
    response = client.post(
        "/admin/orders/apikey/add/",
        {"reseller": reseller.pk, "name": "shop", "allowed_ips": "10.0.0.0/8\nnot-an-ip"},
    )
    assert response.status_code == 200
    assert not ApiKey.objects.exists()


def test_reseller_sets_an_allow_list_on_the_developer_page(client, reseller):
    _plaintext, key = api_key_create(reseller=reseller, name="shop")
    client.force_login(reseller.user)

    client.post(f"/developer/keys/{key.pk}/allow-list/", {"allowed_ips": "203.0.113.5, 10.0.0.0/8"})
    key.refresh_from_db()
    assert key.allowed_ips == "203.0.113.5/32\n10.0.0.0/8"
    client.post(f"/developer/keys/{key.pk}/allow-list/", {"allowed_ips": "nope"})
    key.refresh_from_db()
    assert key.allowed_ips == "203.0.113.5/32\n10.0.0.0/8"
