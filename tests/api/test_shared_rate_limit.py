"""The API rate limit counts in the shared cache: requests from another process count too."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

from orders.api.auth import _count_request
from orders.api.errors import ApiError

pytestmark = pytest.mark.postgres

COUNT_IN_CHILD = "import django; django.setup(); from orders.api.auth import _count_request; " \
    "[_count_request({key}) for _ in range(3)]"  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_requests_counted_by_another_process_use_up_the_same_limit(settings):
    settings.API_RATE_LIMIT = 3
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "panel.settings",
        "API_RATE_LIMIT": "3",
        "DEBUG": "1",
    }
    subprocess.run(
        [sys.executable, "-c", COUNT_IN_CHILD.format(key=4242)],
        env=env, cwd=django_settings.BASE_DIR, check=True, timeout=30,
    )  # fmt: skip

    with pytest.raises(ApiError) as limited:
        _count_request(4242)
    assert limited.value.status == 429
    _count_request(4243)  # another key has its own count
