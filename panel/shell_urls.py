"""The reseller-facing pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from panel import views, views_account, views_bulk, views_cashin, views_team, views_wallet
from panel.security.twofactor import views as two_factor
from panel.security.views import PanelLoginView

urlpatterns = [
    path("login/", PanelLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("cashin/new/", views_cashin.cashin_new, name="cashin_new"),
    path("cashin/confirm/", views_cashin.cashin_confirm, name="cashin_confirm"),
    path("orders/", views_cashin.order_list, name="order_list"),
    path("orders/export.csv", views_cashin.order_export, name="order_export"),
    path("orders/status/", views_cashin.order_statuses, name="order_statuses"),
    path("orders/<int:pk>/", views_cashin.order_detail, name="order_detail"),
    path("orders/<int:pk>/live/", views_cashin.order_live, name="order_live"),
    path("wallet/", views_wallet.wallet, name="wallet"),
    path("wallet/export.csv", views_wallet.wallet_export, name="wallet_export"),
    path("funds/", views_wallet.payin_list, name="payin_list"),
    path("funds/add/", views_wallet.payin_new, name="payin_new"),
    path("funds/<int:pk>/", views_wallet.payin_detail, name="payin_detail"),
    path("funds/<int:pk>/live/", views_wallet.payin_live, name="payin_live"),
    path("cashin/bulk/", views_bulk.bulk_new, name="bulk_new"),
    path("cashin/bulk/<int:pk>/", views_bulk.bulk_detail, name="bulk_detail"),
    path("cashin/bulk/<int:pk>/confirm/", views_bulk.bulk_confirm, name="bulk_confirm"),
    path("cashin/bulk/<int:pk>/progress/", views_bulk.bulk_progress, name="bulk_progress"),
    path("cashin/bulk/<int:pk>/results.csv", views_bulk.bulk_results, name="bulk_results"),
    path("settings/", two_factor.account_settings, name="account_settings"),
    path("settings/two-factor/", two_factor.reseller_two_factor_setup, name="two_factor_setup"),
    path("account/activity/", views_account.account_activity, name="account_activity"),
    path("team/", views_team.team_list, name="team_list"),
    path("team/new/", views_team.team_new, name="team_new"),
    path("team/<int:pk>/", views_team.team_detail, name="team_detail"),
    path("team/<int:pk>/transfer/", views_team.team_transfer, name="team_transfer"),
    path("team/<int:pk>/state/", views_team.team_state, name="team_state"),
    path("team/<int:pk>/plan/", views_team.team_plan, name="team_plan"),
    path("team/<int:pk>/orders/<int:order_pk>/", views_team.team_order, name="team_order"),
]
