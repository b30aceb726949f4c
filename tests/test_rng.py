"""The rng convention's helpers (the protocols' runs are tested in tests/analysis)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.rng import UNSET, pick_rng, seed_of


def test_seed_is_the_former_name_of_rng() -> None:
    assert pick_rng(0, UNSET) == 0
    assert pick_rng(0, 9) == 9
    assert pick_rng(0, None) is None  # seed=None kept its meaning: fresh entropy
    g = np.random.default_rng(1)
    assert pick_rng(g, UNSET) is g


@pytest.mark.parametrize("rng", [1, None, np.random.default_rng(0)])
def test_rng_and_seed_together_are_refused(rng: object) -> None:
    with pytest.raises(TypeError, match="not both"):
        pick_rng(rng, 3)  # type: ignore[arg-type]


def test_only_an_int_is_recorded_as_a_seed() -> None:
    assert seed_of(7) == 7 and seed_of(np.int64(7)) == 7
    assert seed_of(None) is None and seed_of(np.random.default_rng(7)) is None
