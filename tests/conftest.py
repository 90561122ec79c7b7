"""Shared pytest set-up: hypothesis profiles and a headless matplotlib.

Profiles
--------
``quick`` (the default) keeps the whole suite near a minute on 2 cores;
``HYPOTHESIS_PROFILE=thorough pytest`` runs ten times more examples per property.
"""

import os

import matplotlib
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")  # tests never open a window

settings.register_profile(
    "quick",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
