"""The staff page of provider health, linked from the admin index."""

from django.urls import reverse

from orders.cashin.submit import cashin_submit
from tests.orders.conftest import send_submissions


def _submit(reseller, digit: int):
    number = f"0171234567{digit}"
    return cashin_submit(reseller=reseller, receiver_number=number, amount="500").order


def test_staff_see_each_providers_health_linked_from_the_admin_index(
    sandbox, reseller, staff_client
):
    _submit(reseller, 0)
    send_submissions()
    _submit(reseller, 0)  # queued
    index = staff_client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:orders_providerbreaker_changelist")
    assert url in index
    page = staff_client.get(url).content.decode()
    assert 'data-provider="nictbd"' in page and 'data-provider="trustedpay"' in page
    assert "<td data-queued>1</td>" in page
    assert "Latency p50 / p95" in page and "closed" in page


def test_the_health_page_speaks_bangla_to_staff_who_chose_it(staff_client, db):
    staff_client.cookies["django_language"] = "bn"

    page = staff_client.get(reverse("admin:orders_providerbreaker_changelist")).content.decode()

    assert "প্রোভাইডারের অবস্থা" in page and "ব্রেকারের ইতিহাস" in page
    assert "Breaker history" not in page
