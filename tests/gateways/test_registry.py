"""gateways.registry: one gateway per process, rebuilt from settings after reset_gateways()."""

import threading

from gateways.nictbd import NictbdGateway
from gateways.registry import (
    build_payin_gateway,
    get_cashin_gateway,
    get_payin_gateway,
    reset_gateways,
)
from gateways.trustedpay import TrustedPayGateway


def test_one_cached_gateway_per_kind_across_threads(sandbox):
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get_cashin_gateway())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert isinstance(seen[0], NictbdGateway)
    assert all(gateway is seen[0] for gateway in seen)
    assert isinstance(get_payin_gateway(), TrustedPayGateway)
    assert get_payin_gateway() is get_payin_gateway()


def test_reset_builds_from_the_new_settings(sandbox, settings):
    first = get_payin_gateway()
    settings.TRUSTEDPAY_SHOP_CODE = "another_shop"
    assert get_payin_gateway() is first  # cached until reset
    reset_gateways()
    second = get_payin_gateway()
    assert second is not first
    assert second.shop_code == "another_shop"


def test_a_closed_gateway_still_works_if_someone_kept_it(sandbox, new_ref):
    gateway = get_cashin_gateway()
    reset_gateways()  # closes it
    assert gateway.balance().currency == "BDT"
    gateway.close()


def test_explicit_arguments_override_settings(sandbox):
    gateway = build_payin_gateway(shop_code="explicit_shop", read_timeout=3.0)
    assert gateway.shop_code == "explicit_shop"
    assert gateway is not get_payin_gateway()
    gateway.close()
