from pathlib import Path

import pytest

HERE = Path(__file__).parent
# WhiteNoise warns once per handler when STATIC_ROOT was never collected (a fresh clone); the
# admin serves its static files through the finders in tests, so that is not a failure here.
STATIC_ROOT_WARNING = "ignore:No directory at:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(STATIC_ROOT_WARNING))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at full strength makes every login attempt and user factory cost half a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
