"""Staff proposals (approve or reject) and the audit log (read-only, CSV export)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin.common import CheckedQueryStringAdmin, ResellerUsernameFilter, taka
from orders.admin.forms import ReasonForm
from orders.localtime import local_text
from orders.models import AuditEntry, StaffProposal
from orders.staff.approvals import ApprovalError, approve, expire_stale, reject
from panel.views_common import stream_csv


class ReadOnlyAdmin(CheckedQueryStringAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def reason_page(model_admin, request, objects, *, action: str, title: str, form):
    """The intermediate page asking for a reason before an action runs on the selected rows."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "objects": objects,
        "form": form,
        "action": action,
    }
    return TemplateResponse(request, "admin/orders/reason_for_selected.html", context)


class ProposalStatusFilter(admin.SimpleListFilter):
    """Pending proposals first: the list opens on what waits for a decision."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", _("All")), *StaffProposal.Status.choices]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or StaffProposal.Status.PENDING) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or StaffProposal.Status.PENDING
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(StaffProposal)
class StaffProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "reseller", "order", "amount_taka", "to_status"]
    list_display += ["reason", "proposed_by", "proposed", "expires", "decided_by", "decided"]
    list_filter = [ProposalStatusFilter, "kind", ResellerUsernameFilter]
    list_select_related = ["reseller__user", "order", "proposed_by", "decided_by"]
    readonly_fields = [field.name for field in StaffProposal._meta.fields]
    actions = ["approve_selected", "reject_selected"]

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("orders.change_staffproposal")

    def changelist_view(self, request, extra_context=None):
        expire_stale()
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_taka(self, proposal) -> str:
        return taka(proposal.amount)

    @admin.display(description=gettext_lazy("proposed (Dhaka)"), ordering="proposed_at")
    def proposed(self, proposal) -> str:
        return local_text(proposal.proposed_at, empty="-")

    @admin.display(description=gettext_lazy("expires (Dhaka)"), ordering="expires_at")
    def expires(self, proposal) -> str:
        return local_text(proposal.expires_at, empty="-")

    @admin.display(description=gettext_lazy("decided (Dhaka)"), ordering="decided_at")
    def decided(self, proposal) -> str:
        return local_text(proposal.decided_at, empty="-")

    @admin.action(description=gettext_lazy("Approve and apply"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        for proposal in queryset:
            try:
                proposal = approve(proposal_id=proposal.pk, staff_user=request.user,
                                   request=request)  # fmt: skip
            except ApprovalError as error:
                self.message_user(request, f"#{proposal.pk}: {error.message}", messages.ERROR)
            else:
                level = messages.SUCCESS if proposal.status == "applied" else messages.ERROR
                text = proposal.get_status_display()
                if proposal.decision_reason:
                    text += f": {proposal.decision_reason}"
                self.message_user(request, f"#{proposal.pk}: {text}", level)

    @admin.action(description=gettext_lazy("Reject (with a reason)"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        confirmed = "confirm" in request.POST
        form = ReasonForm(request.POST if confirmed else None)
        if not (confirmed and form.is_valid()):
            return reason_page(self, request, list(queryset), action="reject_selected",
                               title=_("Reject proposals"), form=form)  # fmt: skip
        for proposal in queryset:
            try:
                reject(proposal_id=proposal.pk, staff_user=request.user,
                       reason=form.cleaned_data["reason"], request=request)  # fmt: skip
            except ApprovalError as error:
                self.message_user(request, f"#{proposal.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"#{proposal.pk}: {_('rejected')}", messages.SUCCESS)
        return None


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created", "action", "actor", "reseller", "target", "reason", "ip"]
    list_filter = [
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ResellerUsernameFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["actor", "reseller__user"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    show_facets = admin.ShowFacets.NEVER
    actions = None

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="orders_auditentry_export",
        )
        return [export, *super().get_urls()]

    @admin.display(description=gettext_lazy("at (Dhaka)"), ordering="created_at")
    def created(self, entry) -> str:
        return local_text(entry.created_at, empty="-")

    @admin.display(description=gettext_lazy("target"))
    def target(self, entry) -> str:
        return f"{entry.target_type} {entry.target_id}".strip() or "-"

    def export_view(self, request):
        """The rows the list shows with the same filters, as CSV (text cells neutralised)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_changelist_instance(request).get_queryset(request)
        header = ["created_at", "action", "actor", "reseller", "target_type", "target_id"]
        header += ["reason", "details", "ip"]
        rows = (
            [
                local_text(e.created_at),
                e.action,
                e.actor.get_username() if e.actor else "",
                str(e.reseller) if e.reseller else "",
                e.target_type,
                e.target_id,
                e.reason,
                AuditEntry._meta.get_field("details").value_to_string(e),
                e.ip or "",
            ]
            for e in entries.iterator(chunk_size=2000)
        )
        return stream_csv("audit-log.csv", header, rows)
