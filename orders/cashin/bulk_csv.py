"""Reading a bulk Cash In file: bytes → records of (receiver, amount, reference) text.

A file is UTF-8 (a BOM is dropped), separated by `,` or `;` (the first line decides), with an
optional header row (a first row without any digit). Each record keeps its number in the file
(1 = the first record, the header counted), which is what a spreadsheet shows and what the
derived reference is made of. Nothing here judges a cell: orders.cashin.bulk does, with the
rules of the single Cash In form.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from orders.errors import OrderError

DIGITS = set("0123456789০১২৩৪৫৬৭৮৯")
# The longest cell kept; longer ones are refused anyway (receiver and amount take 20, a
# reference 64), and keeping them whole would let one row carry a page of text.
CELL_KEPT = {"receiver": 40, "amount": 40, "reference": 80}
LINE_BREAK = re.compile(r"\r\n|\r|\n")
THOUSANDS_HEAD = re.compile(r"[0-9]{1,3}")
THOUSANDS_TAIL = re.compile(r"[0-9]{3}(\.[0-9]{1,2})?")


class BulkFileError(OrderError):
    code = "bulk_file"
    field = "file"


@dataclass(frozen=True)
class Record:
    row_number: int
    receiver: str
    amount: str
    reference: str
    columns: int
    split_thousands: bool = False  # `1,500` unquoted in a comma file: amount 1, reference 500


def read_records(data: bytes) -> list[Record]:
    """The file's data records; raises BulkFileError when the file as a whole cannot be read."""
    if len(data) > settings.BULK_MAX_BYTES:
        raise BulkFileError(
            _("The file is too large: at most %(kb)s KB.") % {"kb": settings.BULK_MAX_BYTES // 1024}
        )
    if b"\x00" in data:
        raise BulkFileError(_("The file contains NUL bytes: save it as a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkFileError(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")
        ) from None
    records = _records(text)
    if not records:
        raise BulkFileError(_("The file has no rows to send."))
    if len(records) > settings.BULK_MAX_ROWS:  # reading stopped one row past the limit
        raise BulkFileError(
            _("The file has more than %(max)s rows; at most %(max)s rows can be sent at once.")
            % {"max": settings.BULK_MAX_ROWS}
        )
    return records


def _records(text: str) -> list[Record]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines, line_seen = LINE_BREAK.split(text), 0  # the file's lines, as csv counts them
    records, row_number, seen_data = [], 0, False
    try:
        for row_number, cells in enumerate(reader, start=1):
            raw, line_seen = "\n".join(lines[line_seen : reader.line_num]), reader.line_num
            cells = [cell.strip() for cell in cells]
            while cells and not cells[-1]:
                cells.pop()  # spreadsheets add empty trailing columns
            if not cells:
                continue
            if not seen_data and not any(c in DIGITS for cell in cells for c in cell):
                seen_data = True  # the header row
                continue
            seen_data = True
            records.append(_record(row_number, cells, delimiter == "," and raw))
            if len(records) > settings.BULK_MAX_ROWS:
                break  # enough to say the file is too long
    except csv.Error:
        raise BulkFileError(
            _("Row %(row)s cannot be read as CSV (an unclosed quote or a cell too long).")
            % {"row": row_number + 1}
        ) from None
    return records


def _record(row_number: int, cells: list[str], comma_line: str) -> Record:
    receiver, amount, reference = (cells + ["", "", ""])[:3]
    return Record(
        row_number=row_number,
        receiver=receiver[: CELL_KEPT["receiver"]],
        amount=amount[: CELL_KEPT["amount"]],
        reference=reference[: CELL_KEPT["reference"]],
        columns=len(cells),
        split_thousands=bool(comma_line) and split_thousands(amount, reference, comma_line),
    )


def split_thousands(amount: str, reference: str, line: str) -> bool:
    """Whether `1,500` written unquoted in a comma-separated line became amount 1 and reference
    500 (`"1",500` is a quoted amount and its reference: left alone)."""
    digits = THOUSANDS_HEAD.fullmatch(amount) and THOUSANDS_TAIL.fullmatch(reference)
    return bool(digits) and f"{amount},{reference}" in line
