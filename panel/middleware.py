"""Requests refused before any view runs."""

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.utils.translation import gettext as _

from orders.querystring import has_nul
from panel.error_views import is_api


class RefuseNulInQueryString:
    """400 for a query string holding NUL (%00) in any name or value: no filter, search or
    cursor can mean it, and PostgreSQL refuses it in text (a 500 deep in a query). Also 400 for
    more parameters than Django reads (with DEBUG on its error page read them again: a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _("NUL is not allowed in a query string.") if has_nul(request) else ""
        except TooManyFieldsSent:  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
            request.GET = QueryDict()  # nothing later (an error page) reads the long one again
            refused = _("The query string has too many parameters.")
        if refused:
            if is_api(request):  # the API answers JSON, whatever goes wrong
                return JsonResponse({"message": refused, "code": "bad_query_string"}, status=400)
            return HttpResponseBadRequest(refused)
        return self.get_response(request)
