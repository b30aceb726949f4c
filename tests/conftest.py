"""Hypothesis profiles for the whole suite.

``mutation`` (chosen by ``make mutation`` through ``--hypothesis-profile=mutation``): the same
examples on every run (``derandomize``), so a mutant's verdict does not depend on luck, and no
shrinking, since a mutation run needs only to know that a test fails, not the smallest example.
"""

from __future__ import annotations

from hypothesis import Phase, settings

settings.register_profile(
    "mutation",
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
)
