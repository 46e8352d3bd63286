from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("orders.api.urls")),
    path("developer/", include("orders.api.panel_urls")),
    path("", include("panel.shell_urls")),
]
