"""Receiver and mobile numbers masked in every log line: one helper, used everywhere.

`masked` is for the places that format a provider's error text or answer, or a reference a
reseller chose, into a log line. `MaskNumbersFilter`, installed in settings.LOGGING on every
handler, masks what reaches a handler all the same: the final message and any traceback.
The masking itself is the gateways' (gateways.wire.mask_numbers_in: 01712345678 ->
017****5678), so a log line reads the same wherever it comes from.
"""

import logging

from gateways.wire import mask_numbers_in


def masked(value) -> str:
    """`value` as text, with every mobile number in it masked."""
    return mask_numbers_in(value if isinstance(value, str) else str(value))


class MaskNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = mask_numbers_in(message)
        if safe != message or record.args:
            record.msg, record.args = safe, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers_in(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers_in(record.stack_info)
        return True
