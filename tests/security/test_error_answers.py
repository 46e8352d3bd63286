"""Requests Django refuses before any view still get the API's JSON errors under /api/, and a
plain 4xx (never a 500) on the reseller pages."""

import pytest
from django.test import Client

from tests.factories import ResellerFactory

TOO_MANY = "&".join(f"a{n}=1" for n in range(1001))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.fixture
def reseller_client(db):
    client = Client()
    client.force_login(ResellerFactory().user)
    return client


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_query_parameters_are_a_json_400_on_the_api(client, db, settings, debug):
    settings.DEBUG = debug

    response = client.get(f"/api/v1/orders?{TOO_MANY}")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_query_string"


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_query_parameters_are_a_400_on_a_reseller_page(reseller_client, settings, debug):
    settings.DEBUG = debug

    response = reseller_client.get(f"/orders/?{TOO_MANY}")

    assert response.status_code == 400
    assert "too many parameters" in response.content.decode()


def test_a_host_not_allowed_is_a_json_400_on_the_api(client, db, settings):
    settings.ALLOWED_HOSTS = ["panel.example.com"]

    response = client.get("/api/v1/balance", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"message": "The request could not be read.", "code": "bad_request"}


def test_a_path_under_api_outside_v1_is_a_json_404(client, db):
    response = client.get("/api/v2/orders")

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_missing_reseller_page_is_still_an_html_404(reseller_client):
    response = reseller_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
