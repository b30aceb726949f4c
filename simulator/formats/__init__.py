"""Scenario formats: scenario YAML files and GENIUS/ANAC XML folders, read into a :class:`Scenario`.

:func:`load_scenario` picks the reader from what it is given: a folder is read as a GENIUS domain
with its preference profiles, a ``.yaml``/``.yml`` file as a scenario file
(``docs/scenario-format.md``).
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.formats.yaml_reader import load_scenario_yaml, loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Scenario

__all__ = ["dump_scenario_yaml", "load_scenario", "load_scenario_yaml", "loads_scenario_yaml"]

YAML_SUFFIXES = (".yaml", ".yml")


def load_scenario(source: str | os.PathLike[str]) -> Scenario:
    """Read a scenario from a YAML file or a GENIUS folder.

    Parameters
    ----------
    source
        A ``.yaml``/``.yml`` scenario file, or a folder holding a GENIUS domain and its profiles.

    Returns
    -------
    Scenario
        The scenario, with ``origin`` set to ``source``.

    Raises
    ------
    ScenarioError
        If ``source`` does not exist, is neither a folder nor a YAML file, or breaks its format.
    """
    path = Path(source)
    if path.is_dir():
        from simulator.formats.genius import load_genius_folder

        return load_genius_folder(path)
    if not path.exists():
        raise ScenarioError(
            "no such file or folder; give a scenario .yaml file or a GENIUS folder", file=str(path)
        )
    if path.suffix.lower() in YAML_SUFFIXES:
        return load_scenario_yaml(path)
    hint = (
        " (for GENIUS, give the folder holding the domain and profiles)"
        if path.suffix == ".xml"
        else ""
    )
    raise ScenarioError(
        f"unknown scenario file type {path.suffix or '(none)'!r}; "
        f"give a .yaml or .yml scenario file or a GENIUS folder{hint}",
        file=str(path),
    )
