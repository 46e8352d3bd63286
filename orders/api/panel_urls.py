from django.urls import path
from django.views.generic import RedirectView

from orders.api import panel_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-keys"), name="developer"),
    path("keys/", panel_views.api_keys, name="api-keys"),
    path("keys/<int:key_id>/revoke/", panel_views.api_key_revoke_view, name="api-key-revoke"),
    path(
        "keys/<int:key_id>/allow-list/",
        panel_views.api_key_allow_list_view,
        name="api-key-allow-list",
    ),
    path("webhooks/", panel_views.webhooks, name="api-webhooks"),
    path("webhooks/rotate-secret/", panel_views.webhook_rotate, name="api-webhook-rotate"),
    path(
        "webhooks/deliveries/<int:delivery_id>/send-again/",
        panel_views.webhook_resend,
        name="api-webhook-resend",
    ),
]
