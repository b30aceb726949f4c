"""Scenario formats: scenario YAML files and GENIUS/ANAC XML folders, read into a :class:`Scenario`.

:func:`load_scenario` picks the reader from the registry :data:`READERS`: each entry names a format,
says how it recognises a source (a folder is a GENIUS domain with its preference profiles, a
``.yaml``/``.yml`` file is a scenario file, ``docs/scenario-format.md``) and reads it. Adding a
format is one :class:`Reader` entry plus the module that reads it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.formats.yaml_reader import load_scenario_yaml, loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Scenario

__all__ = [
    "READERS",
    "Reader",
    "dump_scenario_yaml",
    "load_scenario",
    "load_scenario_yaml",
    "loads_scenario_yaml",
]

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Reader:
    """One file format :func:`load_scenario` reads.

    Attributes
    ----------
    name
        The format's name.
    recognises
        Whether an existing path is a source of this format.
    read
        Reads such a source into a scenario (a :class:`ScenarioError` if it breaks the format).
    wanted
        What to give for this format, in the error for a source no reader recognises.
    hints
        A hint for that error, by the suffix of a file that looks like this format but is not it.
    """

    name: str
    recognises: Callable[[Path], bool]
    read: Callable[[Path], Scenario]
    wanted: str
    hints: Mapping[str, str] = field(default_factory=dict)


def _read_genius(path: Path) -> Scenario:
    from simulator.formats import genius  # defusedxml is only needed for GENIUS folders

    return genius.load_genius_folder(path)


#: the formats :func:`load_scenario` reads, in the order the error for an unknown source lists them
READERS: tuple[Reader, ...] = (
    Reader(
        "yaml",
        lambda path: not path.is_dir() and path.suffix.lower() in YAML_SUFFIXES,
        load_scenario_yaml,
        "a .yaml or .yml scenario file",
    ),
    Reader(
        "genius",
        Path.is_dir,
        _read_genius,
        "a GENIUS folder",
        {".xml": "for GENIUS, give the folder holding the domain and profiles"},
    ),
)


def load_scenario(source: str | os.PathLike[str]) -> Scenario:
    """Read a scenario from a YAML file or a GENIUS folder (any format of :data:`READERS`).

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
        If ``source`` does not exist, no reader recognises it, or it breaks its format.
    """
    path = Path(source)
    if not path.exists():
        raise ScenarioError(
            "no such file or folder; give a scenario .yaml file or a GENIUS folder", file=str(path)
        )
    for reader in READERS:
        if reader.recognises(path):
            return reader.read(path)
    hints = [r.hints[path.suffix] for r in READERS if path.suffix in r.hints]
    raise ScenarioError(
        f"unknown scenario file type {path.suffix or '(none)'!r}; "
        f"give {' or '.join(r.wanted for r in READERS)}" + "".join(f" ({hint})" for hint in hints),
        file=str(path),
    )
