"""bench/api_throughput.py only: the panel's URLs plus `/bench-bare`, a bare Django JSON view
(the full middleware stack, no database query), the yardstick for API submits."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench-bare", bare), path("", include("panel.urls"))]
