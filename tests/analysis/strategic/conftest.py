"""Fixtures of the strategic-game tests: the car and the deadlock scenarios of tests/analysis."""

from tests.analysis.conftest import car, deadlock  # noqa: F401  (re-exported fixtures)
