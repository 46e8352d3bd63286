"""Proposals and the audit log in the admin: a second staff member decides; the log exports."""

from decimal import Decimal

from django.urls import reverse

from orders.models import AuditEntry, Reseller, StaffProposal
from orders.staff.approvals import propose_balance_adjustment
from tests.admin.conftest import (
    approve_pending,
    change_url,
    changelist_url,
    messages_of,
    run_action,
)

Status = StaffProposal.Status


def balance(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


def propose(reseller, staff, amount="300.00", reason="bank transfer"):
    return propose_balance_adjustment(
        reseller_id=reseller.pk, amount=Decimal(amount), staff_user=staff, reason=reason
    ).proposal


def test_pending_proposals_are_listed_with_the_proposer(staff_client, staff, reseller):
    propose(reseller, staff, reason="still-waiting")
    decided = propose(reseller, staff, reason="long-decided")
    StaffProposal.objects.filter(pk=decided.pk).update(status=Status.REJECTED)

    page = staff_client.get(changelist_url("staffproposal")).content.decode()
    everything = staff_client.get(changelist_url("staffproposal") + "?status=all")

    assert "still-waiting" in page and "long-decided" not in page
    assert staff.username in page and "৳300.00" in page
    assert "long-decided" in everything.content.decode()


def test_the_proposer_cannot_approve_in_the_admin(staff_client, staff, reseller):
    propose(reseller, staff)

    response = approve_pending(staff_client)

    assert any("different staff member" in m for m in messages_of(response))
    assert balance(reseller) == Decimal("10000.00")
    assert StaffProposal.objects.get().status == Status.PENDING


def test_a_second_staff_member_approves_in_the_admin_and_the_money_moves_once(
    staff, second_staff_client, second_staff, reseller
):
    proposal = propose(reseller, staff)

    first = approve_pending(second_staff_client)
    run_action(second_staff_client, "staffproposal", "approve_selected", [proposal])  # again

    assert any("applied" in m for m in messages_of(first))
    assert balance(reseller) == Decimal("10300.00")
    proposal.refresh_from_db()
    assert (proposal.proposed_by, proposal.decided_by) == (staff, second_staff)


def test_rejecting_in_the_admin_asks_for_a_reason(staff, second_staff_client, reseller):
    proposal = propose(reseller, staff)

    asked = run_action(second_staff_client, "staffproposal", "reject_selected", [proposal])
    empty = run_action(second_staff_client, "staffproposal", "reject_selected", [proposal],
                       confirm="yes", reason=" ")  # fmt: skip
    done = run_action(second_staff_client, "staffproposal", "reject_selected", [proposal],
                      confirm="yes", reason="duplicate")  # fmt: skip

    assert "Reason" in asked.content.decode()
    assert "This field is required." in empty.content.decode()
    assert any("rejected" in m for m in messages_of(done))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == (Status.REJECTED, "duplicate")
    assert balance(reseller) == Decimal("10000.00")


def test_a_callback_url_set_in_the_admin_is_audited(staff_client, staff, reseller):
    data = {"min_amount": "50", "max_amount": "30000", "daily_limit": "50000"}
    data["callback_url"] = "https://shop.example.com/hook"

    staff_client.post(change_url("reseller", reseller.pk), data)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.CALLBACK_URL_CHANGED)
    assert (entry.actor, entry.reseller) == (staff, reseller)
    assert entry.details["new"] == "https://shop.example.com/hook"


def test_the_audit_log_filters_and_exports_csv_with_formulas_neutralised(
    staff_client, staff, reseller
):
    propose(reseller, staff, reason='=HYPERLINK("http://evil.example/","click")')
    url = changelist_url("auditentry")

    listed = staff_client.get(url + f"?action__exact=proposal_made&reseller={reseller.user}")
    export = staff_client.get(
        reverse("admin:orders_auditentry_export") + "?action__exact=staff_login"
    )
    made = staff_client.get(
        reverse("admin:orders_auditentry_export") + "?action__exact=proposal_made"
    )

    assert listed.status_code == 200 and "Proposal made" in listed.content.decode()
    assert "Export CSV" in listed.content.decode()
    body = b"".join(export.streaming_content).decode()
    assert "staff_login" in body and "proposal_made" not in body
    made_body = b"".join(made.streaming_content).decode()
    assert "'=HYPERLINK" in made_body


def test_the_audit_log_cannot_be_edited_in_the_admin(staff_client, reseller):
    entry = AuditEntry.objects.create(action="plan_change", reseller=reseller)

    page = staff_client.get(change_url("auditentry", entry.pk)).content.decode()
    posted = staff_client.post(
        reverse("admin:orders_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert 'name="_save"' not in page
    assert posted.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
