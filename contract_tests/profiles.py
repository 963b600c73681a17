"""Hypothesis profiles of this project and its contract suite: `fapi-default` (make test: the whole suite well
under a minute on 2 cores), `fapi-ci` (more examples, derandomized) and `fapi-thorough` (a long hunt).

Choose one with `--hypothesis-profile fapi-ci` or `HYPOTHESIS_PROFILE=fapi-ci`. The names carry a prefix so that
installing this package never changes a downstream project's own `default` profile. Every profile prints the failing
example's reproduction blob (`@reproduce_failure`); state machines also print their failing steps as code.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_ENV = "HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "fapi-default"
PROFILES = ("fapi-default", "fapi-ci", "fapi-thorough")


def register_profiles() -> None:
    common = settings(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("fapi-default", common, max_examples=60, stateful_step_count=20)
    settings.register_profile("fapi-ci", common, max_examples=150, stateful_step_count=30, derandomize=True)
    settings.register_profile("fapi-thorough", common, max_examples=2000, stateful_step_count=60)


def load_project_profile() -> None:
    """This project's own test runs: the profile named in the environment, else `fapi-default`."""
    register_profiles()
    settings.load_profile(os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE)
