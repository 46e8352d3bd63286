"""The time line and config on their own, at the exact boundaries HTTP tests cannot hit."""

import pytest

from gateways.sandbox.config import SandboxConfig
from gateways.sandbox.timeline import cashin_status, payin_status

F = 3.0


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (0.0, ("pending", 0.0)),
        (0.999, ("pending", 0.0)),
        (1.0, ("processing", 1.0)),
        (1.999, ("processing", 1.0)),
        (2.0, ("awaiting_sms", 2.0)),
        (2.999, ("awaiting_sms", 2.0)),
        (3.0, ("successfull", 3.0)),
        (600.0, ("successfull", 3.0)),
    ],
)
def test_cashin_time_line_in_thirds_of_final_after(elapsed, expected):
    assert cashin_status("0", elapsed, F) == expected


@pytest.mark.parametrize(
    ("digit", "elapsed", "expected"),
    [
        ("1", 3.0, "failed"),
        ("2", 3.0, "refunded"),
        ("3", 0.5, "pending"),
        ("3", 1.0, "manual_review"),
        ("3", 600.0, "manual_review"),
        ("8", 5.999, "successfull"),
        ("8", 6.0, "failed"),
        ("9", 3.0, "successfull"),
    ],
)
def test_cashin_outcomes(digit, elapsed, expected):
    assert cashin_status(digit, elapsed, F)[0] == expected


@pytest.mark.parametrize(
    ("digit", "elapsed", "expected"),
    [
        ("0", 2.999, ("pending", 0.0)),
        ("0", 3.0, ("success", 3.0)),
        ("1", 3.0, ("failed", 3.0)),
        ("2", 3.0, ("expired", 3.0)),
        ("3", 5.999, ("success", 3.0)),
        ("3", 6.0, ("refunded", 6.0)),
        ("4", 3.0, ("canceled", 3.0)),
        ("5", 600.0, ("pending", 0.0)),
        ("7", 3.0, ("success", 3.0)),
    ],
)
def test_payin_time_line(digit, elapsed, expected):
    assert payin_status(digit, elapsed, F) == expected


def test_final_after_zero_is_final_at_once():
    assert cashin_status("0", 0.0, 0.0) == ("successfull", 0.0)
    assert payin_status("0", 0.0, 0.0) == ("success", 0.0)


def test_config_coerces_values_from_text():
    config = SandboxConfig(final_after="1.5", html_errors="yes", error_rate=0)

    assert (config.final_after, config.html_errors, config.error_rate) == (1.5, True, 0.0)


@pytest.mark.parametrize(
    "changes",
    [{"final_after": -1}, {"malformed_rate": 1.5}, {"html_errors": "maybe"}, {"latency_ms": True}],
)
def test_config_refuses_bad_values_and_changes_nothing(changes):
    config = SandboxConfig()

    with pytest.raises(ValueError):
        config.update({"final_after": 1, **changes})

    assert config == SandboxConfig()


def test_lognormal_final_times_have_the_configured_median():
    import random

    from gateways.sandbox.config import SandboxConfig

    config = SandboxConfig(final_after=15, final_after_sigma=0.84)
    rng = random.Random(7)
    draws = sorted(config.cashin_final_after(rng) for _ in range(2001))
    assert 13 < draws[1000] < 17
    assert 45 < draws[1900] < 80  # p95 about 4x the median
    assert SandboxConfig(final_after=15).cashin_final_after(rng) == 15
