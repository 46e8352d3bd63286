"""What every reseller page shares: the reseller check, CSV streaming, live-update headers."""

import csv
from functools import wraps
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import StreamingHttpResponse
from django.shortcuts import render

from panel.templatetags.panel_tags import taka


def reseller_required(view):
    """Login required; `request.reseller` is the user's wallet. Staff without one get a pointer
    to the admin instead of an error."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            request.reseller = request.user.reseller
        except ObjectDoesNotExist:
            return render(request, "panel/no_reseller.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def with_balance(response, reseller):
    """Live updates read the fresh balance from this header to refresh the top bar
    (percent-encoded: a header carries ASCII only, and ৳ is not)."""
    reseller.refresh_from_db(fields=["balance"])
    response["X-Balance"] = quote(taka(reseller.balance))
    return response


CSV_ROWS_PER_CHUNK = 500
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text that a spreadsheet would run as a formula, prefixed with ' so it stays text;
    numbers (a Decimal amount such as -500.00) and everything not text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def stream_csv(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """A CSV built row by row while it is sent: memory stays flat for any number of rows.
    Every text cell goes through csv_cell."""
    writer = csv.writer(_Echo())

    def chunks():
        buffer = ["\ufeff", writer.writerow(header)]  # the BOM: spreadsheets read UTF-8
        for row in rows:
            buffer.append(writer.writerow([csv_cell(value) for value in row]))
            if len(buffer) >= CSV_ROWS_PER_CHUNK:
                yield "".join(buffer)
                buffer = []
        yield "".join(buffer)

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
