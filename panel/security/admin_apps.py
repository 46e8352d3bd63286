"""django.contrib.admin with the 2FA admin site as admin.site (panel/security/admin_site.py)."""

from django.contrib.admin.apps import AdminConfig


class PanelAdminConfig(AdminConfig):
    default_site = "panel.security.admin_site.TwoFactorAdminSite"
