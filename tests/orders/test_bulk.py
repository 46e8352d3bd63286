"""Bulk Cash In domain: a row is valid exactly when the single form accepts it; each valid row
is sent once under its derived reference, whatever is uploaded or confirmed again."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders.cashin import bulk
from orders.cashin.bulk_csv import BulkFileError
from orders.errors import InsufficientBalance, OrderError
from orders.models import BulkRow, BulkUpload, CashInOrder, LedgerEntry, RatePlan
from panel.forms import CashInForm
from tests.orders.conftest import assert_ledger_consistent, balance, needs_postgres

GOOD = "receiver,amount,reference\n01712345670,500\n01712345679,৫০০.৫০\n"


def upload(reseller, text, name="f.csv"):
    data = text.encode() if isinstance(text, str) else text
    return bulk.upload(reseller=reseller, data=data, filename=name)[0]


def test_preview_shows_each_bad_rows_error_and_correct_totals(reseller):
    text = (
        "\ufeffreceiver;amount\n01712345670;500\n12345;100\n01712345679;1,000.50\n01712345670;5e2\n"
    )
    preview = bulk.preview(upload(reseller, text))

    errors = {view.row.row_number: view.errors for view in preview.rows}
    assert errors[2] == [] and errors[4] == []
    assert "Bangladeshi mobile number" in errors[3][0]
    assert "exponent" in errors[5][0]
    assert (preview.count, preview.amount, preview.fee) == (2, Decimal("1500.50"), Decimal("0"))
    assert preview.total == Decimal("1500.50") and preview.covered


@pytest.mark.parametrize(
    "receiver,amount",
    [("01712345670", "500"), ("+880 1712-345670", "1,000"), ("০১৭১২৩৪৫৬৭০", "৫০০"),
     ("0171234567", "500"), ("01712345670", "49"), ("01712345670", "30001"),
     ("01712345670", "500.505"), ("", "500"), ("01712345670", ""), ("0" * 21, "500"),
     ("01712345670", "20000"), ("01712345670", "=1+1")],
)  # fmt: skip
def test_a_row_is_valid_exactly_when_the_single_form_accepts_it(reseller, receiver, amount):
    form = CashInForm({"receiver_number": receiver, "amount": amount}, reseller=reseller)
    [view] = bulk.preview(upload(reseller, f'"{receiver}";"{amount}"\n')).rows

    assert (view.errors == []) == form.is_valid()


def test_confirm_sends_each_valid_row_once_with_derived_references(reseller, sandbox):
    batch = upload(reseller, GOOD + "bad,500\n")
    start = balance(reseller)

    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    assert bulk.send_step(batch_id=batch.pk) == 2
    assert bulk.send_step(batch_id=batch.pk) == 0

    orders = CashInOrder.objects.filter(reseller=reseller, source="bulk")
    references = sorted(orders.values_list("client_reference", flat=True))
    assert len(references) == 2 and all(r.startswith("BULK-") for r in references)
    assert [r.rsplit("-", 1)[1] for r in references] == ["2", "3"]
    assert LedgerEntry.objects.filter(order__in=orders, kind="order_debit").count() == 2
    assert balance(reseller) == start - Decimal("1000.50")
    batch.refresh_from_db()
    assert batch.state == BulkUpload.State.DONE
    assert_ledger_consistent(reseller.pk)


def test_uploading_the_same_file_again_sends_nothing_new(reseller, sandbox):
    batch = upload(reseller, GOOD)
    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    bulk.send_step()

    again, created = bulk.upload(reseller=reseller, data=GOOD.encode(), filename="copy.csv")
    bulk.confirm(reseller=reseller, batch_id=again.pk)

    assert not created and again.pk == batch.pk
    assert bulk.send_step() == 0
    assert CashInOrder.objects.filter(reseller=reseller).count() == 2


def test_an_edited_file_uploaded_again_asks_before_sending_its_rows_again(reseller, sandbox):
    first = upload(reseller, GOOD)
    bulk.confirm(reseller=reseller, batch_id=first.pk)
    bulk.send_step()

    edited = upload(reseller, GOOD + "01712345671,700\n")  # other bytes: a new batch
    preview = bulk.preview(edited)

    assert preview.count == 3 and preview.repeats == 2
    assert [view.repeat_of is not None for view in preview.rows] == [True, True, False]
    with pytest.raises(OrderError, match="repeat a Cash In just sent"):
        bulk.confirm(reseller=reseller, batch_id=edited.pk)
    assert CashInOrder.objects.filter(reseller=reseller).count() == 2

    bulk.confirm(reseller=reseller, batch_id=edited.pk, repeats_confirmed=True)
    assert bulk.send_step() == 3


def test_a_rows_own_reference_wins_and_is_never_sent_twice_from_another_file(reseller, sandbox):
    first = upload(reseller, "01712345670,500,SHOP-1\n")
    bulk.confirm(reseller=reseller, batch_id=first.pk)
    bulk.send_step()

    second = upload(reseller, "01712345670,500,SHOP-1\n01712345679,500\n")
    preview = bulk.preview(second)

    assert preview.rows[0].order.client_reference == "SHOP-1"
    assert preview.count == 1 and preview.already_sent == 1
    bulk.confirm(reseller=reseller, batch_id=second.pk)
    bulk.send_step()
    assert CashInOrder.objects.filter(client_reference="SHOP-1").count() == 1
    assert CashInOrder.objects.filter(reseller=reseller).count() == 2


def test_a_reference_repeated_in_the_file_is_an_error_on_the_later_row(reseller):
    preview = bulk.preview(upload(reseller, "01712345670,500,R-1\n01712345679,600,R-1\n"))
    assert preview.rows[0].errors == []
    assert "row 1" in preview.rows[1].errors[0]


def test_a_batch_the_balance_cannot_cover_is_refused_at_confirmation(reseller):
    rows = "".join(f"0171234567{d},9000\n" for d in (0, 9))  # 18,000 > 10,000
    batch = upload(reseller, rows)
    assert not bulk.preview(batch).covered
    with pytest.raises(InsufficientBalance):
        bulk.confirm(reseller=reseller, batch_id=batch.pk)
    assert BulkRow.objects.filter(upload=batch, state=BulkRow.State.QUEUED).count() == 0


@pytest.mark.parametrize(
    "data,message",
    [(b"01712345670,500\x00\n", "NUL"), ("০১৭১২৩৪৫৬৭০,৫০০\n".encode("utf-16"), "NUL"),
     ("01712345670,500,é\n".encode("latin-1"), "UTF-8"), (b"", "no rows"),
     (b'01712345670,"500\n', "cannot be read"), (b"0171," + b"9" * 200_000 + b"\n", "too long"),
     (b"01712345670,500\n" * 20_000, "too large")],
)  # fmt: skip
def test_hostile_files_are_refused_with_a_clear_error(reseller, data, message):
    with pytest.raises(BulkFileError) as error:
        bulk.upload(reseller=reseller, data=data, filename="x.csv")
    assert message in error.value.message
    assert not BulkUpload.objects.exists()


def test_formula_and_huge_cells_are_row_errors_not_orders(reseller):
    text = (
        '=HYPERLINK("http://evil.example"),500\n01712345670,@SUM(1)\n01712345670,500,' + "x" * 5000
    )
    preview = bulk.preview(upload(reseller, text + "\n"))
    assert all(view.errors for view in preview.rows) and preview.count == 0


def test_more_rows_than_bulk_max_rows_is_refused(reseller, settings):
    settings.BULK_MAX_ROWS = 3
    with pytest.raises(BulkFileError, match="more than 3 rows; at most 3 rows"):
        upload(reseller, "01712345670,500\n" * 40)


def test_an_unquoted_thousands_comma_is_a_row_error_not_a_smaller_amount(reseller):
    text = (
        'receiver,amount,reference\n01712345670,1,500\n01712345671,"1,500"\n01712345672,500,R-7\n'
    )

    preview = bulk.preview(upload(reseller, text))

    errors = {view.row.row_number: view.errors for view in preview.rows}
    assert "1,500 looks like one amount split by its thousands comma" in errors[2][0]
    assert errors[3] == [] and errors[4] == []
    assert (preview.count, preview.amount) == (2, Decimal("2000.00"))


def test_an_interrupted_batch_continues_without_sending_a_row_twice(reseller, sandbox):
    batch = upload(reseller, GOOD)
    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    first = BulkRow.objects.get(upload=batch, row_number=2)
    # A worker created the first row's order, then died before it recorded it on the row.
    from orders.cashin.submit import cashin_submit

    cashin_submit(reseller=reseller, receiver_number=first.receiver_number, amount=first.amount,
                  client_reference=first.client_reference, source="bulk")  # fmt: skip
    BulkRow.objects.filter(pk=first.pk).update(claimed_until="2000-01-01T00:00:00Z")

    assert bulk.send_step() == 2

    assert CashInOrder.objects.filter(reseller=reseller).count() == 2
    assert BulkRow.objects.filter(upload=batch, state=BulkRow.State.SENT).count() == 2
    assert LedgerEntry.objects.filter(order__reseller=reseller, kind="order_debit").count() == 2


def test_a_row_claimed_by_a_live_worker_is_not_taken_by_another(reseller):
    batch = upload(reseller, GOOD)
    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    assert bulk._claim(batch.pk).row_number == 2
    assert bulk._claim(batch.pk).row_number == 3
    assert bulk._claim(batch.pk) is None


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirms_and_two_workers_at_once_send_each_row_once(sandbox):
    from tests.factories import ResellerFactory

    reseller = ResellerFactory(balance=Decimal("10000"))
    batch = upload(reseller, GOOD)
    barrier = threading.Barrier(2)

    def confirm_and_send():
        try:
            barrier.wait()
            bulk.confirm(reseller=reseller, batch_id=batch.pk)
            bulk.send_step()
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm_and_send) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]

    assert CashInOrder.objects.filter(reseller=reseller).count() == 2
    assert LedgerEntry.objects.filter(order__reseller=reseller, kind="order_debit").count() == 2
    assert_ledger_consistent(reseller.pk)


def test_a_preview_reads_the_rate_plan_once_not_once_per_row(
    reseller, django_assert_max_num_queries
):
    reseller.rate_plan = RatePlan.objects.create(name="retail", fee_fixed=Decimal("5"))
    reseller.save(update_fields=["rate_plan"])
    rows = "".join(f"0171234{n:04d},{500 + n}\n" for n in range(100))
    batch = upload(reseller, rows)

    with django_assert_max_num_queries(20):
        preview = bulk.preview(batch)

    assert preview.count == 100 and preview.fee == Decimal("500.00")
