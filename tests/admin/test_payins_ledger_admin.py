"""PayIns and ledger entries are read-only for staff; a PayIn can be checked at once."""

from decimal import Decimal

from orders.models import LedgerEntry, PayIn, PayInStatus, Reseller
from orders.payin.create import payin_create
from tests.admin.conftest import change_url, changelist_url, messages_of, run_action
from tests.factories import PayInFactory
from tests.orders.conftest import send_submissions


def test_payin_list_search_and_read_only_page(staff_client, reseller):
    payin = PayInFactory(reseller=reseller, amount=Decimal("2500"), external_id="PIN-X-1")
    PayInFactory(reseller=reseller)
    url = changelist_url("payin")

    found = staff_client.get(url, {"q": "PIN-X-1"})
    page = staff_client.get(change_url("payin", payin.pk))
    posted = staff_client.post(change_url("payin", payin.pk), {"status": "success"})

    assert [p.external_id for p in found.context["cl"].result_list] == ["PIN-X-1"]
    assert "৳2,500.00" in found.content.decode()
    assert 'name="status"' not in page.content.decode()
    assert posted.status_code == 403
    assert staff_client.get(url + "add/").status_code == 403
    assert PayIn.objects.get(pk=payin.pk).status == PayInStatus.PENDING


def test_payin_page_shows_why_it_is_flagged_in_words(staff_client, reseller):
    payin = PayInFactory(
        reseller=reseller,
        needs_attention=True,
        attention_code="reversal_uncovered",
        attention_params={"amount": "1000.00"},
    )

    page = staff_client.get(change_url("payin", payin.pk)).content.decode()

    assert "the balance cannot cover the 1000.00 reversal" in page


def test_payin_check_now_credits_a_paid_payin_once(sandbox, staff_client, reseller):
    payin = payin_create(
        reseller=reseller,
        amount="1000",
        wallet_provider="BKash",
        mobile_number="01872456780",
        email="payer@example.com",
        customer_name="Rahim",
    )
    send_submissions()
    payin.refresh_from_db()
    sandbox.force(payin.external_id, "success")

    response = run_action(staff_client, "payin", "check_now", [payin])
    run_action(staff_client, "payin", "check_now", [payin])

    assert PayIn.objects.get(pk=payin.pk).status == PayInStatus.SUCCESS
    assert any(payin.external_id in m and "Paid" in m for m in messages_of(response))
    assert LedgerEntry.objects.filter(payin=payin).count() == 1
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("11000.00")


def test_ledger_is_listed_and_never_editable(staff_client, staff, reseller):
    entry = LedgerEntry.objects.get(reseller=reseller)
    url = changelist_url("ledgerentry")

    listed = staff_client.get(url, {"reseller": reseller.user.username})

    assert list(listed.context["cl"].result_list) == [entry]
    assert "৳10,000.00" in listed.content.decode()
    assert staff_client.get(url + "add/").status_code == 403
    change = change_url("ledgerentry", entry.pk)
    assert staff_client.post(change, {"amount": "99999", "reason": "x"}).status_code == 403
    assert staff_client.post(change + "delete/", {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("10000.00")


def test_ledger_search_by_order_reference_or_payin_id(staff_client, staff, reseller):
    from orders.cashin.staff import cashin_resolve_by_staff
    from tests.factories import CashInOrderFactory

    order = CashInOrderFactory(reseller=reseller, client_reference="CI-REF-1", debited=True)
    cashin_resolve_by_staff(order_id=order.pk, to_status="failed", staff_user=staff, reason="x")
    url = changelist_url("ledgerentry")

    by_order = staff_client.get(url, {"q": "CI-REF-1"}).context["cl"].result_list
    by_nothing = staff_client.get(url, {"q": "CI-REF"}).context["cl"].result_list

    kinds = [LedgerEntry.Kind.ORDER_REFUND, LedgerEntry.Kind.ORDER_DEBIT]
    assert [(e.order, e.kind) for e in by_order] == [(order, kind) for kind in kinds]
    assert list(by_nothing) == []
