from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import StaffProposal
from tests.factories import ResellerFactory, StaffUserFactory
from tests.twofactor import log_in_verified

HERE = Path(__file__).parent
# WhiteNoise warns once per handler when STATIC_ROOT was never collected (a fresh clone); the
# admin serves its static files through the finders in tests, so that is not a failure here.
STATIC_ROOT_WARNING = "ignore:No directory at:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(STATIC_ROOT_WARNING))


@pytest.fixture
def staff(db):
    return StaffUserFactory()


@pytest.fixture
def staff_client(client, staff):
    log_in_verified(client, staff)  # a confirmed TOTP device, the session verified with it
    return client


@pytest.fixture
def second_staff(db):
    return StaffUserFactory()


@pytest.fixture
def second_staff_client(second_staff):
    """Another staff member in their own browser: the one who approves proposals."""
    other = Client()
    log_in_verified(other, second_staff)
    return other


def approve_pending(client):
    """Approve every pending proposal through the admin action (as the client's staff member)."""
    pending = StaffProposal.objects.filter(status=StaffProposal.Status.PENDING)
    return run_action(client, "staffproposal", "approve_selected", list(pending))


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("10000.00"))


def changelist_url(model: str) -> str:
    return reverse(f"admin:orders_{model}_changelist")


def change_url(model: str, pk: int) -> str:
    return reverse(f"admin:orders_{model}_change", args=[pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, model: str, action: str, objects, **extra):
    """POST an admin action as the changelist's action bar does (follows the redirect)."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    if "confirm" not in extra:
        data["index"] = 0
    return client.post(changelist_url(model), data, follow=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at full strength makes every login attempt and user factory cost half a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
