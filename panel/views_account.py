"""The reseller's own account activity: the audit entries about its account, newest first."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from orders import selectors
from orders.models import AuditEntry
from panel.views_common import reseller_required


@reseller_required
def account_activity(request):
    entries = AuditEntry.objects.filter(reseller=request.reseller).select_related("actor")
    page = selectors.keyset_page(
        entries, after=request.GET.get("after"), before=request.GET.get("before")
    )
    for entry in page.rows:
        entry.by = who(entry, request.user)
    return render(request, "panel/account_activity.html", {"page": page})


def who(entry: AuditEntry, user) -> str:
    """You, staff or the system: a reseller never sees staff names or addresses."""
    if entry.actor_id is None:
        return _("System")
    return _("You") if entry.actor_id == user.pk else _("Staff")
