"""All-or-nothing file output for the commands, and the interrupt that must not split it.

:func:`write_files` writes every file of a result into a hidden staging folder inside the output
folder (so on the same file system), and only when all are written moves them into place with
``rename``, which needs no space and cannot be half done. A full disk, a read-only folder or Ctrl-C
while files are written therefore leaves the old output as it was and no temporary file behind.
Subfolders a result owns (a report's ``figures/``) are swapped whole, so no stale figure of an
older result stays beside the new ones. Ctrl-C during the moves is held until they are done.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

from simulator.errors import ScenarioError

__all__ = ["held_interrupts", "write_files"]

_STAGE_PREFIX = ".bargain-staging-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _failed(path: Path, error: OSError) -> ScenarioError:
    return ScenarioError(
        f"cannot write the output: {error.strerror or error}; nothing was written",
        file=str(error.filename or path),
    )


@contextlib.contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold SIGINT inside the block and raise :class:`KeyboardInterrupt` after it, if one came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _stage(stage: Path, files: Mapping[str, str | bytes]) -> None:
    mode = 0o666 & ~_umask()  # results are for sharing (mkdtemp makes the stage 0700)
    for name, content in files.items():
        path = stage / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(path, mode)


def _check_targets(out: Path, names: list[str], owned: set[str]) -> None:
    for name in names:
        target = out / name
        top = name.split("/")[0]
        if target.is_dir() and top not in owned:
            raise ScenarioError("is a folder; give the name of a file to write", file=str(target))
    for top in owned:
        if (out / top).exists() and not (out / top).is_dir():
            raise ScenarioError("exists and is not a folder", file=str(out / top))


def _commit(out: Path, stage: Path, names: list[str], owned: set[str]) -> None:
    """Move the staged files into place; owned subfolders are swapped whole."""
    for top in sorted(owned):
        if (out / top).is_dir():
            os.rename(out / top, stage / f"{top}.old")
        os.rename(stage / top, out / top)
    for name in names:
        if name.split("/")[0] not in owned:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / name, out / name)


def write_files(
    out_dir: str | Path, files: Mapping[str, str | bytes], *, owned: tuple[str, ...] = ()
) -> list[Path]:
    """Write all ``files`` (name relative to ``out_dir`` -> content) into ``out_dir``, or none.

    ``owned`` names subfolders (e.g. ``figures``) that belong to the result: they are replaced
    whole, so files an older result left in them go. Other files in ``out_dir`` are left alone.
    Returns the paths written, in the order of ``files``.

    Raises
    ------
    ScenarioError
        Naming the path, if ``out_dir`` is not a folder, a file to write is a folder, or the
        files cannot be written (read-only folder, full disk); the old output is then unchanged.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {out} exists and is not a directory")
    names = list(files)
    owned_set = {top for top in owned if any(n.startswith(f"{top}/") for n in names)}
    _check_targets(out, names, owned_set)
    created = not out.exists()
    stage: Path | None = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=out))
        _stage(stage, files)
        with held_interrupts():
            _commit(out, stage, names, owned_set)
    except OSError as e:
        raise _failed(out, e) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    return [out / name for name in names]
