"""bench/api_throughput.py only: the panel's URLs plus two yardsticks for API submits:
`/bench-bare`, a bare Django JSON view (the full middleware stack, no database query), and
`/bench-floor` (bench/bare/floor.py), a submit's writes as one hand-written SQL statement."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench.bare.floor import floor


@csrf_exempt
def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench-bare", bare),
    path("bench-floor", floor),
    path("", include("panel.urls")),
]
