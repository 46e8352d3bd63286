"""The reseller's home page, and /favicon.ico for browsers that ask for it by that name."""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from orders import selectors
from panel.views_common import reseller_required


@reseller_required
def dashboard(request):
    context = selectors.dashboard(reseller=request.reseller)
    return render(request, "panel/dashboard.html", context)


def favicon(request):
    """Pages link their icon; this answers the browsers and tools that ask /favicon.ico anyway
    (resolved per request: the hashed static name exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("panel/favicon.ico"))
