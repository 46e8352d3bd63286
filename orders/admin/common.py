"""Pieces shared by the staff admin pages: money display, cheap counts, a typed-in filter."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Reseller
from orders.querystring import ADMIN_RESERVED, bad_admin_lookup

# An action on more rows than this is refused: staff decisions are made order by order.
MAX_ROWS_PER_ACTION = 100
# "Check status now" waits for the provider once per row, inside the staff member's request.
MAX_CHECKS_PER_ACTION = 20


def taka(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}৳{abs(amount):,.2f}"


def table_row_estimate(model) -> int | None:
    """PostgreSQL's own row estimate for a table (kept by ANALYZE/autovacuum); None elsewhere."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class CheapCountPaginator(Paginator):
    """Never COUNT(*)s a large table: the whole table is estimated, a filtered list capped.

    The unfiltered list uses pg_class.reltuples; a filtered one counts at most CAP + 1 rows,
    so a filter matching 300,000 orders costs as much as one matching 10,001.
    """

    CAP = 10_000
    is_estimate = False
    is_capped = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where:
            estimate = table_row_estimate(queryset.model)
            if estimate is not None and estimate > self.CAP:
                self.is_estimate = True
                return estimate
        counted = queryset[: self.CAP + 1].count()
        self.is_capped = counted > self.CAP
        return counted


class CheckedQueryStringAdmin(admin.ModelAdmin):
    """A changelist answers 400, not 500, to a filter value the database cannot hold (an id
    past 64 bits, a date outside 2000..2100; NUL is refused by panel.middleware)."""

    def changelist_view(self, request, extra_context=None):
        for name, values in request.GET.lists():
            if name not in ADMIN_RESERVED and any(
                bad_admin_lookup(self.model, name, value) for value in values
            ):
                return HttpResponseBadRequest(_("A filter value is out of range."))
        return super().changelist_view(request, extra_context)


class LargeTableAdmin(CheckedQueryStringAdmin):
    """Settings every changelist over a million-row table needs."""

    paginator = CheapCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # view-only pages; changes go through actions that call services

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_staff_action_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def too_many_rows(self, request, queryset, limit: int | None = None) -> bool:
        limit = limit or MAX_ROWS_PER_ACTION
        if queryset[: limit + 1].count() > limit:
            message = _("Select at most %(n)s rows for this action.") % {"n": limit}
            self.message_user(request, message, messages.ERROR)
            return True
        return False

    def after_action(self, request, queryset):
        """Back to the object's page when the action was started from it, else the list."""
        if request.POST.get("_return") == "change" and len(queryset) == 1:
            opts = self.opts
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[queryset[0].pk])
            )
        return None


class ResellerUsernameFilter(admin.ListFilter):
    """Filter by a typed reseller username: a list of 10,000 resellers would not be usable."""

    title = gettext_lazy("reseller")
    parameter_name = "reseller"
    template = "admin/orders/input_filter.html"
    field_path = "reseller_id"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = params.pop(self.parameter_name, [""])[-1].strip().replace("\x00", "")
        self.used_parameters = {self.parameter_name: value} if value else {}

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def value(self) -> str:
        return self.used_parameters.get(self.parameter_name, "")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        resellers = Reseller.objects.filter(user__username=self.value())
        reseller_id = resellers.values_list("pk", flat=True).first()
        return queryset.filter(**{self.field_path: reseller_id}) if reseller_id else queryset.none()

    def choices(self, changelist):
        hidden = [
            (key, value) for key, value in changelist.params.items() if key != self.parameter_name
        ]
        yield {
            "value": self.value(),
            "hidden": hidden,
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
            "selected": not self.value(),
        }
