"""A sampled mutation run: the kill rate of modules too large to mutate whole, with an interval.

``make mutation`` runs every mutant of a stated subset. The rest of ``simulator/solver`` and all of
``simulator/analysis`` make many thousands of mutants, hours of work on one core, so this script
estimates their kill rate from a seeded random sample instead (docs/mutation.md states the method
and the numbers)::

    python scripts/mutation_sample.py --seed 1 --size 200   # generate, sample, run, report
    python scripts/mutation_sample.py --seed 1 --size 200 --report   # report the last run again
    python scripts/mutation_sample.py --seed 2 --size 300 --package analysis   # one package only
    python scripts/mutation_sample.py --seed 2 --size 60 --package solver --budget 2400

It works in ``build/mutation-sample/``, a second mutmut project that shares the worktree's
``simulator/``, ``tests/`` and ``scenarios/`` (symbolic links) and has its own ``pyproject.toml``:
the real one with ``[tool.mutmut]`` replaced by the sample's (mutmut 3 reads its configuration
only from the working directory's ``pyproject.toml``), so ``make mutation``'s configuration and
its ``mutants/`` stay as they are. Then it

1. generates every mutant of the population (``POPULATION``, minus ``MEASURED``),
2. draws a simple random sample without replacement in each package (``simulator/solver``,
   ``simulator/analysis``), of sizes proportional to the packages' mutant counts, with
   ``numpy.random.default_rng(seed)`` over the sorted mutant names (``--package`` draws the
   whole sample from one package instead: a simple random sample of that package alone),
3. runs only those (``mutmut run --max-children 1 NAME...``), each against the selected tests
   (``SELECTION``) that call the mutated function, and
4. prints killed / survived / no tests / timeout per package with the Wilson 95% interval of the
   kill rate (``scipy.stats.binomtest``), and writes the verdicts to ``sample-SEED.json``.

A timeout counts as killed (mutmut's own score does the same); a mutant whose function no selected
test calls ("no tests"), a segfault and a suspicious one count as not killed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

ROOT = Path(__file__).resolve().parents[1]
# the sample's project for each test selection (`--tests`)
WORK = {
    "package": ROOT / "build" / "mutation-sample",
    "all": ROOT / "build" / "mutation-sample-all",
}
LINKED = (
    "simulator",
    "tests",
    "scenarios",
    "docs",
    "notebooks",
    "scripts",
    "README.md",
    "Makefile",
)

POPULATION = ["simulator/solver/*.py", "simulator/analysis/*"]
# measured whole by `make mutation` (docs/mutation.md)
MEASURED = ["simulator/solver/bargaining.py"]
PACKAGES = ("simulator.solver", "simulator.analysis")
# the fast tests of the two packages: no `slow` or browser tests, no integration or benchmarks
# and not the check of the modules' length (a mutated module is much longer)
SELECTION = [
    "tests/solver",
    "tests/analysis",
    "--ignore=tests/analysis/test_layout.py",
    "-m",
    "not slow and not browser",
]
# `--tests all`: every fast test of the project, in-process ones being the ones mutmut can map to
# the functions they call (a test that runs `bargain` in a subprocess is never traced, so it kills
# nothing here). Not the checks of the modules' length, which a mutated module always fails.
SELECTION_ALL = [
    "tests",
    "--ignore=tests/test_layout.py",
    "--ignore=tests/analysis/test_layout.py",
    # a local Dask cluster started under mutmut's trampolines never finishes (tests/analysis/
    # test_dask.py, which the packages' tests share, runs its tasks on one in-process cluster)
    "--deselect=tests/integration/test_docs_commands.py::test_documented_commands_run"
    "[docs/howto/monte-carlo.md:141]",
    # it runs `bargain` in a subprocess, so it meets no mutant, and under the trampolines its
    # 10 s bound on stopping the workers does not hold
    "--deselect=tests/test_cli_output.py::test_ctrl_c_stops_worker_processes_at_once",
    "-m",
    "not slow and not browser",
]
# each selection's tests, and what they read beside the package (copied into mutants/): the
# packages' tests read the scenarios and the JSON reference (test_json_documented.py)
TESTS = {"package": SELECTION, "all": SELECTION_ALL}
ALSO_COPY = {
    "package": ["scenarios/", "docs/reference/"],
    "all": ["scenarios/", "docs/", "notebooks/", "scripts/", "README.md", "Makefile"],
}
PYTEST_ARGS = ["-p", "no:cacheprovider", "-x", "-q", "--hypothesis-profile=mutation"]
KILLED = {"killed", "timeout"}


def sample_config(tests: str) -> str:
    """The ``[tool.mutmut]`` table of the sample's project: the packages' own tests, or all."""
    lines = [
        "[tool.mutmut]",
        'source_paths = ["simulator/"]',
        f"only_mutate = {json.dumps(POPULATION)}",
        f"do_not_mutate = {json.dumps(MEASURED)}",
        f"also_copy = {json.dumps(ALSO_COPY[tests])}",
        f"pytest_add_cli_args_test_selection = {json.dumps(TESTS[tests])}",
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}",
        # workers fork from a server that has run no test: forked from mutmut's own process,
        # which ran the Dask tests while it collected its stats, they hung in those tests
        'process_isolation = "forkserver"',
    ]
    return "\n".join(lines) + "\n"


def prepare(tests: str) -> Path:
    """Create the sample's project: links to the sources and tests, its own pyproject.toml."""
    work = WORK[tests]
    work.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=(ROOT / name).is_dir())
    # the GENIUS reference domains, which some tests find beside the project's folder
    shared = ROOT.parent / "shared"
    if shared.is_dir() and not (work / "shared").is_symlink():
        (work / "shared").symlink_to(shared, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = re.compile(r"^\[tool\.mutmut\]\n.*?(?=^\[)", re.MULTILINE | re.DOTALL)
    if not table.search(text):
        sys.exit("pyproject.toml has no [tool.mutmut] table to replace")
    new = table.sub(lambda _: sample_config(tests) + "\n", text, count=1)
    target = work / "pyproject.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != new:
        target.write_text(new, encoding="utf-8")
    return work


def verdicts() -> dict[str, int | None]:
    """Every generated mutant of the population and its exit code (None: not run yet)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.utils.file_utils import walk_mutatable_files

    codes: dict[str, int | None] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        codes.update(data.exit_code_by_key)
    return codes


def generate() -> dict[str, int | None]:
    """Write the mutants into ``mutants/`` as ``mutmut run`` does first, without running tests."""
    import mutmut.__main__ as mm

    with contextlib.redirect_stdout(sys.stderr):
        mm.copy_src_dir()
        mm.copy_also_copy_files()
        mm.setup_source_paths()
        mm.create_mutants(1)
    return verdicts()


def retrace(work: Path, paths: list[str]) -> None:
    """Forget mutmut's record of which functions the tests of ``paths`` call, so that its next
    run traces them again: mutmut traces only tests it has not seen, and a test edited since it
    was traced may call functions its record lacks (whose mutants then never meet it)."""
    stats_file = work / "mutants" / "mutmut-stats.json"
    if not paths or not stats_file.exists():
        return
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    durations = stats["duration_by_test"]
    gone = [t for t in durations if any(t.startswith(p) for p in paths)]
    for test in gone:
        del durations[test]
    stats_file.write_text(json.dumps(stats), encoding="utf-8")
    print(f"{len(gone)} tests will be traced again", file=sys.stderr)


def package_of(name: str) -> str:
    return next(p for p in PACKAGES if name.startswith(p + "."))


def draw(names: list[str], size: int, seed: int, only: str | None = None) -> list[str]:
    """A sample of about ``size`` names, stratified by package with proportional allocation, or
    a simple random sample of ``size`` names of the package ``only``."""
    rng = np.random.default_rng(seed)
    packages = [p for p in PACKAGES if only is None or p == only]
    by_package = {p: sorted(n for n in names if package_of(n) == p) for p in packages}
    total = sum(len(members) for members in by_package.values())
    chosen: list[str] = []
    for package, members in by_package.items():
        k = min(len(members), round(size * len(members) / total))
        chosen += [members[i] for i in sorted(rng.choice(len(members), size=k, replace=False))]
        print(f"{package}: {k} of {len(members)} mutants", file=sys.stderr)
    return chosen


def wilson(killed: int, n: int) -> tuple[float, float]:
    ci = binomtest(killed, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def report(
    tests: str,
    sample: list[str],
    codes: dict[str, int | None],
    seed: int,
    seconds: float | None,
    earlier: dict[str, str],
) -> None:
    """The table: the kill rate of the checked mutants with its Wilson interval, and, when some
    were not checked (a stopped run), the range the rate of the whole sample can still take.
    A mutant the ``earlier`` run's narrower selection killed counts as killed."""
    from mutmut.stats import status_by_exit_code

    status = {
        n: earlier[n] if earlier.get(n) in KILLED else status_by_exit_code[codes.get(n)]
        for n in sample
    }
    rows = []
    print(f"\nseed {seed}: {len(sample)} mutants sampled, tests: {tests}")
    print(
        "| package | sampled | killed | timeout | survived | no tests | other | not checked "
        "| kill rate of the checked | Wilson 95% | whole sample, unchecked all survived .. all "
        "killed |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    )
    present = [p for p in PACKAGES if any(package_of(n) == p for n in sample)]
    for package in present + (["both"] if len(present) > 1 else []):
        names = [n for n in sample if package == "both" or package_of(n) == package]
        counts = Counter(status[n] for n in names)
        killed = sum(counts[s] for s in KILLED)
        unchecked = counts["not checked"]
        checked = len(names) - unchecked
        other = checked - killed - counts["survived"] - counts["no tests"]
        rate, (low, high) = (killed / checked, wilson(killed, checked)) if checked else (0, (0, 1))
        print(
            f"| {package} | {len(names)} | {counts['killed']} | {counts['timeout']} | "
            f"{counts['survived']} | {counts['no tests']} | {other} | {unchecked} | "
            f"{killed}/{checked} = {rate:.1%} | {low:.1%} to {high:.1%} | "
            f"{killed / len(names):.1%} .. {(killed + unchecked) / len(names):.1%} |"
        )
        rows.append({"package": package, "sampled": len(names), **counts})
    left = sorted(n for n in sample if status[n] not in KILLED)
    print("\nnot killed or not checked:")
    for name in left:
        print(f"  {status[name]:>12}  {name}")
    suffix = f"-{present[0].split('.')[1]}" if len(present) == 1 else ""
    out = WORK[tests] / f"sample-{seed}{suffix}.json"
    result = {
        "seed": seed,
        "seconds": seconds,
        "tests": TESTS[tests],
        "killed_earlier": sorted(n for n in sample if earlier.get(n) in KILLED),
        "status": status,
        "rows": rows,
    }
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nverdicts written to {out}")


def todo_of(
    sample: list[str], codes: dict[str, int | None], earlier: dict[str, str], resume: bool
) -> list[str]:
    """The mutants to run: those no earlier run killed (and, resuming, without a verdict)."""
    return [
        n for n in sample if earlier.get(n) not in KILLED and not (resume and codes[n] is not None)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--size", type=int, required=True, help="mutants to sample (both packages)")
    parser.add_argument("--report", action="store_true", help="only report the last run's verdicts")
    parser.add_argument("--list", action="store_true", help="only print the sampled names")
    parser.add_argument(
        "--resume", action="store_true", help="run only the sampled mutants without a verdict"
    )
    parser.add_argument(
        "--package",
        choices=[p.split(".")[1] for p in PACKAGES],
        help="draw the whole sample from this package alone",
    )
    parser.add_argument(
        "--retrace",
        nargs="*",
        default=[],
        metavar="TEST_PATH",
        help="test files (or ids) edited since mutmut traced them: trace them again",
    )
    parser.add_argument(
        "--budget",
        type=float,
        help="seconds of wall time for the mutation run; then it is stopped (as Ctrl-C) and the "
        "mutants it did not reach are reported as not checked",
    )
    parser.add_argument(
        "--tests",
        choices=["package", "all"],
        default="package",
        help="the tests each mutant meets: the two packages' own (tests/solver, tests/analysis; "
        "the default) or every fast test of the project, in build/mutation-sample-all/",
    )
    parser.add_argument(
        "--after",
        type=Path,
        metavar="SAMPLE_JSON",
        help="the verdicts of the same sample with the packages' tests: run only the mutants "
        "they did not kill (every test that would meet a mutant there meets it here too)",
    )
    args = parser.parse_args()
    only = f"simulator.{args.package}" if args.package else None
    earlier: dict[str, str] = {}
    if args.after:
        before = json.loads(args.after.read_text(encoding="utf-8"))
        if before["seed"] != args.seed:
            sys.exit(f"{args.after} is the sample of seed {before['seed']}, not {args.seed}")
        earlier = before["status"]

    work = prepare(args.tests)
    retrace(work, args.retrace)
    os.chdir(work)
    # --report reads the verdicts as they are: generating again would reset those of every
    # function whose code changed since the run
    codes = verdicts() if args.report else generate()
    sample = draw(sorted(codes), args.size, args.seed, only)
    if earlier and set(sample) != set(earlier):
        sys.exit(
            f"the sample of seed {args.seed} drawn here is not the one of {args.after}: the code "
            "changed between the two runs (mutant names follow the code); run both on one commit"
        )
    if args.list:
        print("\n".join(sample))
        return
    seconds = None
    todo = [] if args.report else todo_of(sample, codes, earlier, args.resume)
    if todo:
        mutmut = Path(sys.executable).with_name("mutmut")
        start = time.monotonic()
        with subprocess.Popen([str(mutmut), "run", "--max-children", "1", *todo]) as run:
            try:
                run.wait(timeout=args.budget)
            except subprocess.TimeoutExpired:
                print(f"\nbudget of {args.budget:.0f} s spent: stopping the run", file=sys.stderr)
                run.send_signal(signal.SIGINT)
                run.wait()
            else:
                if run.returncode:
                    sys.exit(f"mutmut run failed with exit status {run.returncode}")
        seconds = time.monotonic() - start
        codes = verdicts()
    report(args.tests, sample, codes, args.seed, seconds, earlier)


if __name__ == "__main__":
    main()
