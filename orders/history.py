from orders.models import StatusChange


def record_change(
    *,
    order=None,
    payin=None,
    from_status: str,
    to_status: str,
    source: str,
    provider_status: str = "",
    raw=None,
    staff_user=None,
    reason: str = "",
) -> StatusChange:
    return StatusChange.objects.create(
        order=order,
        payin=payin,
        from_status=from_status,
        to_status=to_status,
        provider_status=provider_status,
        source=source,
        raw=raw,
        staff_user=staff_user,
        reason=reason,
    )
