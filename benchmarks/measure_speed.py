"""Measure the session times the README and the foundation issue promise, on this machine.

    python benchmarks/measure_speed.py            # warm timings (needs `nox -s deps` done once)
    python benchmarks/measure_speed.py --fresh    # also: fresh clone -> pip install nox -> week1

Prints wall-clock seconds (best of --repeat) and the ratio of `nox -s exercise` to a bare pytest
on the same files. These are wall times of whole commands, for a report; no test gates on them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "code_challenge/easy"


def seconds(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def best(command: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> float:
    return min(seconds(command, cwd, env) for _ in range(repeat))


def warm(repeat: int) -> dict[str, float]:
    nox = shutil.which("nox") or sys.exit("nox is not on PATH: python -m pip install 'nox[uv]'")
    python = ROOT / ".nox/deps/bin/python"
    if not python.is_file():
        sys.exit("run `nox -s deps` once first, so the shared environment exists")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    seconds(["nox", "-s", "deps"], ROOT)  # make sure the environment is current
    return {
        f"nox -s exercise -- {EXERCISE}": best(
            [nox, "-s", "exercise", "--", EXERCISE], ROOT, repeat
        ),
        f"bare pytest {EXERCISE}": best([str(python), "-m", "pytest", EXERCISE], ROOT, repeat, env),
        "nox -s week0 (with benchmarks)": best([nox, "-s", "week0"], ROOT, repeat),
        "nox -s week1 (with benchmarks)": best([nox, "-s", "week1"], ROOT, repeat),
        "nox -s week1, PREP_IMPL=solution (every benchmark runs)": best(
            [nox, "-s", "week1"], ROOT, repeat, {**os.environ, "PREP_IMPL": "solution"}
        ),
    }


def fresh() -> dict[str, float]:
    """A fresh clone, a new venv with only nox, then the first week1: what a newcomer waits."""
    with tempfile.TemporaryDirectory(prefix="prep-fresh-") as scratch:
        clone = Path(scratch) / "gym"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(clone / ".venv")], check=True)
        pip = clone / ".venv/bin/pip"
        subprocess.run([str(pip), "install", "-q", "nox"], check=True, capture_output=True)
        env = {**os.environ, "PATH": f"{clone / '.venv/bin'}:{os.environ['PATH']}"}
        subprocess.run(["nox", "-s", "week1"], cwd=clone, env=env, capture_output=True, check=False)
        return {
            "fresh clone -> pip install nox -> first nox -s week1": time.perf_counter() - started
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the best is kept")
    parser.add_argument(
        "--fresh", action="store_true", help="also time a fresh clone's first week1"
    )
    options = parser.parse_args()
    timings = warm(options.repeat)
    if options.fresh:
        timings |= fresh()
    width = max(map(len, timings))
    for name, value in timings.items():
        print(f"{name:<{width}}  {value:6.2f} s")
    ratio = timings[f"nox -s exercise -- {EXERCISE}"] / timings[f"bare pytest {EXERCISE}"]
    print(f"{'nox exercise / bare pytest':<{width}}  {ratio:6.2f} x")


if __name__ == "__main__":
    main()
