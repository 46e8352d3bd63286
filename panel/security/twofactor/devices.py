"""Second factor (django-otp): one TOTP device per user, plus single-use recovery codes.

Setup: `pending_device` (unconfirmed until a code from it is typed) and `confirm_device`
(confirms it, drops any older device and returns fresh recovery codes, shown once).
`reset_two_factor` deletes every device: the user sets one up again (staff at the next admin
visit). Both write an audit entry in their transaction.
"""

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from orders.staff.audit import Action, record

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device (the same one on each visit, so the QR stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG drawing (no style attributes: safe under the CSP)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def secret_text(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for typing into an app instead of scanning."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_device(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code from it; returns the new recovery codes, or None."""
    code = (code or "").replace(" ", "")
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(user, Action.TWO_FA_SETUP, reseller=_reseller_of(user))
        return new_recovery_codes(user)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def check_code(user, code: str):
    """The device that accepts `code` (a TOTP code, or a recovery code, used up), or None."""
    code = (code or "").replace(" ", "").strip()
    if not code or len(code) > 20:
        return None
    return match_token(user, code)


def reset_two_factor(user, *, actor=None, reason: str = "") -> int:
    """Delete every device of `user`; returns how many there were.

    `actor` is who asked: the user turning it off, or None for the reset_2fa command."""
    with transaction.atomic():
        count = 0
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            count += 1
        details = {"user": user.get_username(), "devices": count}
        record(actor, Action.TWO_FA_RESET, reseller=_reseller_of(user), reason=reason,
               details=details)  # fmt: skip
    return count


def _reseller_of(user):
    return getattr(user, "reseller", None) if not user.is_staff else None
