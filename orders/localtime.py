"""Panel-local (Asia/Dhaka) time: the one home of how a moment is shown and where a day starts."""

from datetime import date, datetime, time

from django.utils import timezone

TEXT_FORMAT = "%Y-%m-%d %H:%M:%S"  # CSV cells and admin columns


def local_text(moment: datetime | None, empty: str = "") -> str:
    return timezone.localtime(moment).strftime(TEXT_FORMAT) if moment else empty


def local_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +06:00 offset, for the API and webhooks."""
    return None if moment is None else timezone.localtime(moment).isoformat()


def day_start(day: date) -> datetime:
    """Midnight of a panel-local day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def today_start() -> datetime:
    return day_start(timezone.localdate())
