"""All-or-nothing output (``simulator/cli/_output.py``) and the command's answer to output failures
and Ctrl-C: a full disk, a read-only folder, a folder where a file should go, a closed or full
stdout, SIGINT while a report is written (issue 22)."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import _output
from simulator.cli._output import write_files
from simulator.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")
OLD = {"report.md": "old report\n", "figures/a.png": b"old a", "figures/b.png": b"old b"}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def encoded(files: dict[str, str | bytes]) -> dict[str, bytes]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


@contextlib.contextmanager
def mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A small tmpfs at ``where`` (needs root and ``mount``); skips the test otherwise."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


def test_writes_every_file_and_replaces_owned_folders_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, OLD, owned=("figures",))
    (out / "notes.txt").write_text("mine")  # a user's file beside the report stays
    new = {"report.md": "new\n", "figures/c.png": b"c"}
    written = write_files(out, new, owned=("figures",))
    assert written == [out / "report.md", out / "figures" / "c.png"]
    assert tree(out) == {**encoded(new), "notes.txt": b"mine"}  # no stale a.png, b.png


def test_files_get_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_files(tmp_path, {"x.txt": "x"})
    finally:
        os.umask(old)
    assert (tmp_path / "x.txt").stat().st_mode & 0o777 == 0o644


def test_a_failure_while_staging_leaves_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, OLD, owned=("figures",))
    real = _output._stage

    def full_disk(stage: Path, files: dict[str, str | bytes]) -> None:
        real(stage, dict(list(files.items())[:1]))
        raise OSError(errno.ENOSPC, "No space left on device", str(stage / "figures"))

    monkeypatch.setattr(_output, "_stage", full_disk)
    with pytest.raises(ScenarioError, match="No space left on device; nothing was written"):
        write_files(tmp_path, {"report.md": "new", "figures/c.png": b"c"}, owned=("figures",))
    assert tree(tmp_path) == encoded(OLD)


def test_a_new_folder_is_not_left_empty_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(stage: Path, files: dict[str, str | bytes]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_output, "_stage", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path / "new" / "out", {"a.txt": "a"})
    assert not (tmp_path / "new" / "out").exists()


def test_a_full_tmpfs_leaves_the_old_report(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=64k") as disk:
        write_files(disk, OLD, owned=("figures",))
        big = {"report.md": "new\n", "figures/big.png": os.urandom(200_000)}
        with pytest.raises(ScenarioError, match="No space left on device") as info:
            write_files(disk, big, owned=("figures",))
        assert str(disk) in str(info.value)
        assert tree(disk) == encoded(OLD)


def test_a_read_only_folder_is_a_clean_error(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "ro", "size=64k,ro") as ro:
        with pytest.raises(ScenarioError, match="Read-only file system") as info:
            write_files(ro, {"a.txt": "a"})
        assert str(ro) in str(info.value)


def test_a_folder_where_a_file_goes_is_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "report.md").mkdir()
    with pytest.raises(ScenarioError, match="is a folder"):
        write_files(tmp_path, {"result.json": "{}", "report.md": "x"})
    assert sorted(os.listdir(tmp_path)) == ["report.md"]


def test_an_interrupt_during_the_moves_is_held_until_they_are_done(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), _output.held_interrupts():
        os.kill(os.getpid(), signal.SIGINT)
        (tmp_path / "done").touch()  # still runs: the interrupt waits for the block's end
    assert (tmp_path / "done").exists()


# --- the command ----------------------------------------------------------------------------------
def bargain(*argv: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "simulator", *argv], env=env, text=True, **kwargs
    )


@pytest.mark.parametrize("redirect", ["> /dev/full", ">&-"])
def test_stdout_full_or_closed_is_a_clean_error(redirect: str) -> None:
    command = f"{sys.executable} -m simulator solve {CAR} --json {redirect}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr
    assert "standard output" in done.stderr


def _import_seconds() -> float:
    """How long a fresh interpreter takes to import the CLI on this machine now (under load it
    can pass 1.5 s, and a signal before the CLI exists tests Python, not the report)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import simulator.cli"], check=True, cwd=ROOT)
    return time.perf_counter() - start


@pytest.mark.parametrize("after", [0.5, 3.0])
def test_ctrl_c_during_report_is_one_line_and_all_or_nothing(tmp_path: Path, after: float) -> None:
    out = tmp_path / "report"
    wait = _import_seconds() + after  # seconds into the report itself, after the imports
    run = bargain("report", CAR, "--out", str(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(wait)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert "Traceback" not in err
    files = tree(out) if out.exists() else {}
    if run.returncode == 130:
        assert err.strip().splitlines()[-1] == "interrupted; nothing more was written"
        assert files == {} or set(files) >= {"report.md", "report.html", "result.json"}
    else:  # finished before the signal came
        assert run.returncode == 0
    assert not [name for name in files if name.startswith(".")]  # no staging left


@pytest.mark.parametrize(
    "argv",
    [
        ["montecarlo", CAR, "--samples", "60000", "--method", "solve", "--workers", "2"],
        ["stress", CAR, "--scan", "--workers", "2"],
    ],
)
def test_ctrl_c_stops_worker_processes_at_once(argv: list[str]) -> None:
    run = bargain(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(4.0)
    os.killpg(run.pid, signal.SIGINT)  # as a terminal does: to the whole process group
    start = time.perf_counter()
    _, err = run.communicate(timeout=60)
    assert time.perf_counter() - start < 10  # it took 64 s: the pool ran every queued task
    assert "Traceback" not in err
    assert run.returncode in (0, 130), err
