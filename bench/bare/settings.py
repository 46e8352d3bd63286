"""bench/api_throughput.py only: the panel's settings with one extra bare JSON view."""

from panel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare.urls"
