"""Signed webhooks for final order statuses (the API issue fills this in)."""


def enqueue_final_status_webhook(order) -> None:
    """Called inside the transaction that makes `order` final: record a delivery to send later.

    It must never call out over the network: the worker delivers, off the poll sweep.
    """
