"""Every notebook in ``notebooks/`` is stored without outputs and runs from top to bottom.

The notebooks run with :mod:`nbclient` on the ``python3`` kernel. Its kernelspec says ``python -m
ipykernel_launcher``, and :mod:`jupyter_client` replaces a bare ``python`` by ``sys.executable``, so
the kernel is the interpreter running the tests (the project's virtual environment, where ipykernel
comes with the ``test`` extra). The test checks this by running one extra cell first that prints
``sys.prefix``. Cells run with the notebook's folder as the working directory, matplotlib on the Agg
backend, and a timeout of 300 s per cell.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell


def test_the_walkthrough_is_there() -> None:
    assert ROOT / "notebooks" / "ukraine_walkthrough.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for k, cell in enumerate(nb.cells):
        assert cell.source.strip(), f"cell {k} is empty"
        assert "TODO" not in cell.source and "FIXME" not in cell.source, f"cell {k}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {k} stores outputs"
            assert cell.execution_count is None, f"cell {k} stores an execution count"
        assert not {"execution", "collapsed", "scrolled"} & set(cell.metadata), f"cell {k}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys; print(sys.prefix)")
    nb.cells.insert(0, probe)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError with the traceback if a cell fails
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert printed == sys.prefix  # the kernel runs in the test's environment
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
