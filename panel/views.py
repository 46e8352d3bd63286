"""The reseller's home page."""

from django.shortcuts import render

from orders import selectors
from panel.views_common import reseller_required


@reseller_required
def dashboard(request):
    context = selectors.dashboard(reseller=request.reseller)
    return render(request, "panel/dashboard.html", context)
