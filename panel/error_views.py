"""Django's error pages, but JSON under /api/: the API answers JSON whatever goes wrong, also
when Django refuses a request before any view (a Host not in ALLOWED_HOSTS, too many fields)."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults

ANSWERS = {
    400: ("bad_request", _("The request could not be read.")),
    403: ("forbidden", _("Not allowed.")),
    404: ("not_found", _("Not found.")),
    500: ("server_error", _("Something went wrong on our side; try again.")),
}


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int) -> JsonResponse:
    code, message = ANSWERS[status]
    return JsonResponse({"message": str(message), "code": code}, status=status)


def bad_request(request, exception):
    return api_error(400) if is_api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return api_error(403) if is_api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return api_error(404) if is_api(request) else defaults.page_not_found(request, exception)


def server_error(request):
    return api_error(500) if is_api(request) else defaults.server_error(request)
