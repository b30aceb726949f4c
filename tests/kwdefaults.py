"""Changing a function's keyword defaults in a test, also under mutation testing.

Some tests shrink a limit that a function takes as a keyword default (``make_plan``'s
``inner_block``, ``p_zopa_exact``'s ``limit``) by patching its ``__kwdefaults__``, since its callers
pass nothing. Under mutmut (docs/mutation.md) the module's name is bound to a trampoline without
keyword defaults that calls a copy of the function (``x_NAME__mutmut_orig``) or a mutant of it
(``x_NAME__mutmut_N``), so those copies are patched too.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


def set_keyword_defaults(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, **defaults: Any
) -> None:
    """Set ``defaults`` on ``module.name`` (and its mutmut copies) for the rest of the test."""
    copies = [f for key, f in vars(module).items() if key.startswith(f"x_{name}__mutmut_")]
    patched = 0
    for function in [getattr(module, name), *copies]:
        if getattr(function, "__kwdefaults__", None) is not None:
            unknown = set(defaults) - set(function.__kwdefaults__)
            assert not unknown, f"{name} has no keyword defaults {sorted(unknown)}"
            monkeypatch.setattr(function, "__kwdefaults__", {**function.__kwdefaults__, **defaults})
            patched += 1
    assert patched, f"{name} has no keyword defaults to patch"
