from django.urls import path, re_path

from orders.api import docs, tree_views, views

urlpatterns = [
    path("cash-in", views.cashin_create, name="api-cashin-create"),
    path("cash-in/<path:client_reference>", views.cashin_detail, name="api-cashin-detail"),
    path("orders", views.order_list, name="api-orders"),
    path("balance", views.balance, name="api-balance"),
    path("payins", views.payin_start, name="api-payin-create"),
    path("payins/<path:external_id>", views.payin_detail, name="api-payin-detail"),
    path("sub-resellers", tree_views.sub_resellers, name="api-sub-resellers"),
    path("transfers", tree_views.transfers, name="api-transfers"),
    path("openapi.json", docs.openapi_json, name="api-openapi"),
    path("docs", docs.docs, name="api-docs"),
    # Anything else under /api/v1/ (a newline in a reference escapes <path:>): JSON 404.
    re_path(r"", views.unknown_path, name="api-unknown"),
]
