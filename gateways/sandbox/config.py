"""The sandbox's knobs: one mutable dataclass, changed live by tests and /_sandbox/config."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any


@dataclass
class SandboxConfig:
    final_after: float = 20.0  # seconds from submit to the final status
    # > 0: each new Cash In ends after a lognormal draw, median final_after, this sigma
    # (0.84 puts p95 at 4x the median: 15 s -> 60 s, bench/status_latency.py).
    final_after_sigma: float = 0.0
    latency_ms: float = 0.0  # added before every provider answer
    error_rate: float = 0.0  # share of provider requests answered 500 before doing anything
    throttle_rate: float = 0.0  # share answered 429 Too Many Requests before doing anything
    html_errors: bool = False  # every 500 is an HTML page instead of JSON
    malformed_rate: float = 0.0  # share of 200/201 answers whose JSON body is cut short
    submit_hang_seconds: float = 30.0  # how long a receiver number ending in 4 holds its submit
    # Providers that lie in their first answer; the status API still follows the digit table.
    nictbd_submit_claims: str = ""  # "successfull" | "failed": the status a submit answer claims
    trustedpay_create_claims: str = ""  # "success": the status a create answer claims
    # Answers carrying fields no column holds: NICTBD status answers an 80-character
    # operator_transaction_id, a 10 kB failure_reason and NUL characters; TrustedPay answers
    # payment links that are not https.
    hostile_fields: bool = False
    # NICTBD status answers about another Cash In: 1 BDT more, and another receiver number.
    nictbd_misreports: bool = False
    nictbd_store_id: str = ""
    nictbd_api_key: str = ""
    nictbd_api_secret: str = ""
    trustedpay_api_key: str = ""
    trustedpay_api_secret: str = ""

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            setattr(self, name, _coerce(name, value))

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def copy(self) -> SandboxConfig:
        return dataclasses.replace(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply `changes` all or nothing; ValueError names the first bad field."""
        coerced = {name: _coerce(name, value) for name, value in changes.items()}
        for name, value in coerced.items():
            setattr(self, name, value)

    def cashin_final_after(self, rng) -> float:
        if self.final_after_sigma <= 0:
            return self.final_after
        return self.final_after * math.exp(rng.gauss(0.0, self.final_after_sigma))

    @property
    def nictbd_credentials(self) -> tuple[str, str, str] | None:
        creds = (self.nictbd_store_id, self.nictbd_api_key, self.nictbd_api_secret)
        return creds if any(creds) else None


FIELD_TYPES = {f.name: f.type for f in dataclasses.fields(SandboxConfig)}
RATES = {"error_rate", "throttle_rate", "malformed_rate"}
CHOICES = {
    "nictbd_submit_claims": ("", "successfull", "failed"),
    "trustedpay_create_claims": ("", "success"),
}


def _coerce(name: str, value: Any) -> Any:
    kind = FIELD_TYPES.get(name)
    if kind is None:
        raise ValueError(f"unknown sandbox config field {name!r}")
    if kind != "bool" and isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not a valid {kind}")
    try:
        converted = CONVERTERS[kind](value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a valid {kind}") from None
    if kind == "float" and not 0 <= converted < math.inf:
        raise ValueError(f"{name}={value!r} must be a finite number >= 0")
    if name in RATES and converted > 1:
        raise ValueError(f"{name}={value!r} must be between 0 and 1")
    if name in CHOICES and converted not in CHOICES[name]:
        choices = ", ".join(repr(choice) for choice in CHOICES[name])
        raise ValueError(f"{name}={value!r} must be one of {choices}")
    return converted


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(value)


def _to_str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(value)
    return value


CONVERTERS = {"float": float, "bool": _to_bool, "str": _to_str}
