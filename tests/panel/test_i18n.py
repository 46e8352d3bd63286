from decimal import Decimal

import pytest
from django.urls import reverse

from panel.templatetags.panel_tags import taka


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "৳1,234.50"),
        (Decimal("0"), "৳0.00"),
        (Decimal("-500"), "-৳500.00"),
        (Decimal("1234567.891"), "৳1,234,567.89"),
        ("1234.50", "৳1,234.50"),
        (None, ""),
    ],
)
def test_amounts_are_shown_in_taka_with_two_decimals(value, shown):
    assert taka(value) == shown


def test_language_switch_renders_the_panel_in_bangla(rclient):
    response = rclient.post(
        reverse("set_language"), {"language": "bn", "next": reverse("dashboard")}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert '<html lang="bn">' in html
    assert "ড্যাশবোর্ড" in html and "নতুন ক্যাশ ইন" in html and "লগ আউট" in html
    # and back to English
    response = rclient.post(reverse("set_language"), {"language": "en"}, follow=True)
    assert "New Cash In" in response.content.decode()


def test_form_errors_are_translated_too(rclient):
    rclient.post(reverse("set_language"), {"language": "bn"})
    response = rclient.post(reverse("cashin_new"), {"receiver_number": "123", "amount": "500"})
    assert "বাংলাদেশি মোবাইল নম্বর দিন" in response.content.decode()
