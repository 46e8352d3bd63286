from django.contrib import admin
from django.urls import include, path

from panel.views import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("orders.api.urls")),
    path("developer/", include("orders.api.panel_urls")),
    path("", include("panel.shell_urls")),
]

handler400 = "panel.error_views.bad_request"
handler403 = "panel.error_views.permission_denied"
handler404 = "panel.error_views.page_not_found"
handler500 = "panel.error_views.server_error"
