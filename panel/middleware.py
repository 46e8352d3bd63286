"""Requests refused before any view runs."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from orders.querystring import has_nul


class RefuseNulInQueryString:
    """400 for a query string holding NUL (%00) in any name or value: no filter, search or
    cursor can mean it, and PostgreSQL refuses it in text (a 500 deep in a query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            message = _("NUL is not allowed in a query string.")
            if request.path.startswith("/api/"):  # the API answers JSON, whatever goes wrong
                return JsonResponse({"message": message, "code": "bad_query_string"}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
