"""`--plot FILE` on stress, scan, sweep and montecarlo writes the figure.

The figure is in the format its file name says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

CAR = str(Path(__file__).resolve().parents[2] / "scenarios" / "textbook_car.yaml")
MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}


@pytest.mark.parametrize(
    "argv, name",
    [
        (["stress", CAR, "--edit", "buyer reservation =0.3"], "stress.png"),
        (["stress", CAR, "--scan"], "scan.svg"),
        (["sweep", CAR, "--param", "buyer.reservation", "--range", "0.2:0.6:5"], "sweep.pdf"),
        (["montecarlo", CAR, "--samples", "50", "--seed", "1", "--workers", "1"], "mc.png"),
    ],
)
def test_plot_option_writes_the_figure(tmp_path, capsys, argv, name):
    out = tmp_path / name
    assert main([*argv, "--json", "--plot", str(out)]) == 0
    capsys.readouterr()
    data = out.read_bytes()
    assert data.startswith(MAGIC[out.suffix])
    if out.suffix == ".png":  # a whole image, not just its first bytes
        import matplotlib.image

        height, width, _ = matplotlib.image.imread(out).shape
        assert width > 300 and height > 200
    elif out.suffix == ".svg":
        import xml.etree.ElementTree as ET

        root = ET.fromstring(data)
        assert root.tag.endswith("svg") and len(list(root.iter())) > 50
    else:
        assert data.rstrip().endswith(b"%%EOF") and b"/Type /Page" in data


def test_plot_option_rejects_unknown_formats(tmp_path, capsys):
    out = tmp_path / "x.gif"
    argv = ["sweep", CAR, "--param", "buyer.reservation", "--range", "0.2:0.6:3"]
    assert main([*argv, "--plot", str(out)]) == 2
    assert ".png" in capsys.readouterr().err and not out.exists()
