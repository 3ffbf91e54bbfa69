"""Sessions for learners (week0 … week6, exercise) and maintainers (verify, lint).

One environment, owned by the `deps` session, serves every other session: nox gives each session
its own venv, and installing numpy/pandas/scikit-learn per week would cost a minute each time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))
from grading.core import catalog  # noqa: E402  (the catalogue lives next to this file)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["verify"]
nox.needs_version = ">=2025.2.9"

PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
GROUPS = ("test", "lint")
ENV_DIR = ROOT / ".nox" / "deps"
ENV_PYTHON = ENV_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = ENV_DIR / ".prep-installed"
# Week sessions run the benchmark comparisons and keep pytest-benchmark's history in .prep/.
BENCH_ARGS = (
    "--bench",
    "--benchmark-autosave",
    "--benchmark-storage=file://.prep/benchmarks",
    "--benchmark-columns=min,median,rounds",
    "--benchmark-sort=name",
)

try:
    CATALOG = catalog.load()
except catalog.CatalogError as error:
    sys.exit(f"nox: {error}")


def _requirements_digest() -> str:
    groups = {name: nox.project.dependency_groups(PYPROJECT, name) for name in GROUPS}
    return hashlib.sha256(repr(sorted(groups.items())).encode()).hexdigest()


@nox.session(reuse_venv=True)
def deps(session: nox.Session) -> None:
    """Create or update the one shared environment (other sessions require it)."""
    digest = _requirements_digest()
    if STAMP.is_file() and STAMP.read_text() == digest and ENV_PYTHON.is_file():
        session.log("shared environment is up to date")
        return
    group_args = [arg for name in GROUPS for arg in ("--group", name)]
    # Compiled bytecode: this machine sets PYTHONDONTWRITEBYTECODE, which makes every run slow.
    session.install(*group_args, env={"UV_COMPILE_BYTECODE": "1"})
    STAMP.write_text(digest)


def _pytest(session: nox.Session, *args: str) -> int:
    """Run pytest in the shared environment; return its exit code (the scorecard says the rest)."""
    command = [str(ENV_PYTHON), "-m", "pytest", *args]
    session.log(" ".join(command[1:]))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def _python(module: str, *args: str) -> int:
    """Run `python -m module` in the shared environment; return its exit code."""
    return subprocess.run([str(ENV_PYTHON), "-m", module, *args], cwd=ROOT, check=False).returncode


def _finish(session: nox.Session, code: int, what: str) -> None:
    if code == 0:
        return
    if code == 1:
        session.error(f"{what} is not green yet: the scorecard above says what is next")
    if code == 5:
        session.error(f"no tests ran for {what}: check the path and any -k/--part filter")
    session.error(
        f"pytest stopped with exit code {code} on {what} (a usage or internal error above)"
    )


def _exercise(path: str) -> catalog.Exercise:
    try:
        return CATALOG.get(path)
    except catalog.CatalogError as error:
        raise SystemExit(f"nox: {error}") from None


def _week_session(week: int) -> None:
    def run_week(session: nox.Session) -> None:
        exercises = CATALOG.for_week(week)
        if not exercises:
            session.log(
                f"week {week} has no exercises yet; see ROADMAP.md for what this week covers"
            )
            _python("grading.learner.journal", str(week))
            return
        if week == 0 and _python("grading.learner.doctor") != 0:
            session.error("fix the environment check above first (`nox -s deps` reinstalls)")
        paths = [e.path for e in exercises]
        session.log(f"week {week}: " + ", ".join(paths))
        code = _pytest(session, *paths, *BENCH_ARGS, *session.posargs)
        _python("grading.learner.journal", str(week))
        _finish(session, code, f"week {week}")

    run_week.__doc__ = f"Week {week}: run this week's exercises with benchmark comparisons."
    nox.session(name=f"week{week}", venv_backend="none", requires=["deps"])(run_week)


for _week in catalog.WEEKS:
    _week_session(_week)


@nox.session(venv_backend="none", requires=["deps"])
def exercise(session: nox.Session) -> None:
    """One exercise, the fast loop: nox -s exercise -- code_challenge/easy [--part N] [pytest args]."""
    if not session.posargs or session.posargs[0].startswith("-"):
        known = ", ".join(e.path for e in CATALOG.exercises)
        session.error(f"name an exercise: nox -s exercise -- <path> [pytest args]; known: {known}")
    chosen = _exercise(session.posargs[0])
    _finish(session, _pytest(session, chosen.path, *session.posargs[1:]), chosen.path)


@nox.session(venv_backend="none", requires=["deps"])
def run(session: nox.Session) -> None:
    """An exercise's workflow end to end: nox -s run -- data_ml_coding/foundational [--impl solution]."""
    if not session.posargs:
        session.error("usage: nox -s run -- <exercise> [--impl starter|solution|PATH]")
    chosen = _exercise(session.posargs[0])
    workflow = chosen.directory() / "workflow.py"
    if not workflow.is_file():
        session.error(
            f"{chosen.path} has no workflow.py; only exercises with a workflow can be run"
        )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    command = [str(ENV_PYTHON), str(workflow), *session.posargs[1:]]
    if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode:
        session.error(f"the {chosen.path} workflow stopped; see the lines above")


@nox.session(venv_backend="none", requires=["deps"])
def compare(session: nox.Session) -> None:
    """Your files vs reference vs naive over growing n: charts, CSV and ratios in .prep/compare/."""
    _module(session, "grading.learner.compare", usage="compare -- <exercise> [file.py ...]")


@nox.session(venv_backend="none", requires=["deps"])
def profile(session: nox.Session) -> None:
    """cProfile of an exercise's workloads: nox -s profile -- <exercise> [--impl solution]."""
    _module(session, "grading.learner.profiling", usage="profile -- <exercise> [--impl ...]")


@nox.session(venv_backend="none", requires=["deps"])
def review(session: nox.Session) -> None:
    """Mock design review: checks, rubric, then the reference design once your checks pass."""
    _module(session, "grading.learner.review", usage="review -- system_design/<prompt> [--reveal]")


@nox.session(venv_backend="none", requires=["deps"])
def progress(session: nox.Session) -> None:
    """Your progress per week: parts, benchmark trends, time to green, checkpoints."""
    _module(session, "grading.learner.progress")


@nox.session(venv_backend="none", requires=["deps"])
def timed(session: nox.Session) -> None:
    """Mock interview: countdown, re-run on save: nox -s timed -- <exercise> [--minutes N]."""
    _module(session, "grading.learner.timed", usage="timed -- <exercise> [--minutes N] [--poll]")


@nox.session(venv_backend="none", requires=["deps"])
def rehearsal(session: nox.Session) -> None:
    """Week 6: the hard code challenge, then the intermediate ML exercise, back to back, timed."""
    _module(session, "grading.learner.timed", fixed=("--rehearsal",))


@nox.session(venv_backend="none", requires=["deps"])
def hint(session: nox.Session) -> None:
    """The next hint for your first failing part: nox -s hint -- <exercise>."""
    _module(session, "grading.learner.hints", usage="hint -- <exercise> [--part N]")


@nox.session(venv_backend="none", requires=["deps"])
def reset(session: nox.Session) -> None:
    """Archive your files to .prep/attempts/, then restore the starter: nox -s reset -- <exercise>."""
    _module(
        session,
        "grading.learner.attempts",
        usage="reset -- <exercise> | --all [--yes]",
        fixed=("reset",),
    )


@nox.session(venv_backend="none", requires=["deps"])
def attempts(session: nox.Session) -> None:
    """Your archived attempts: nox -s attempts -- <exercise> | diff <exercise> | restore <exercise> N."""
    _module(session, "grading.learner.attempts", usage="attempts -- <exercise>")


@nox.session(venv_backend="none", requires=["deps"])
def rotate(session: nox.Session) -> None:
    """After the roadmap: one exercise per pillar, least recently practised first."""
    _module(session, "grading.learner.rotation")


@nox.session(venv_backend="none", requires=["deps"])
def flakes(session: nox.Session) -> None:
    """verify's verdicts across 20 shuffled runs and one under CPU load: benchmarks/flakes.md."""
    _module(session, "grading.proof.flakes", fixed=("--load",))


@nox.session(venv_backend="none", requires=["deps"])
def truth(session: nox.Session) -> None:
    """The blind candidates through the tests, rules pinned per prompt: benchmarks/truth.md."""
    _module(session, "grading.proof.truth")


# The committed benchmarks/mutation.md came from these: every exercise and unit-tested grading
# module, each a seeded sample (the full set takes hours on two cores); two exercises at a time.
MUTATION_CAMPAIGN = ("--grading", "--sample", "120", "--grading-sample", "25", "--jobs", "2")


@nox.session(reuse_venv=True, requires=["deps"])
def mutation(session: nox.Session) -> None:
    """Mutation score of the references and grading/ (cosmic-ray, own venv): benchmarks/mutation.md."""
    session.install("cosmic-ray>=8.7")
    tool = str(Path(session.bin) / "cosmic-ray")
    # Sessions are kept under .nox/, so an interrupted campaign resumes where it stopped; a
    # --sessions given after `--` wins (argparse keeps the last).
    sessions = str(ROOT / ".nox" / "mutation-sessions")
    command = [str(ENV_PYTHON), "-m", "grading.proof.mutation", "--cosmic-ray", tool]
    command += ["--sessions", sessions, *(session.posargs or MUTATION_CAMPAIGN)]
    if subprocess.run(command, cwd=ROOT, check=False).returncode:
        session.error("a mutation target is below 90%: see benchmarks/mutation.md")


@nox.session(venv_backend="none", requires=["deps"])
def roadmap(session: nox.Session) -> None:
    """Regenerate the exercise tables of ROADMAP.md from exercises.toml."""
    _module(session, "grading.proof.roadmap", fixed=("--write",))


def _module(
    session: nox.Session, module: str, usage: str | None = None, fixed: tuple[str, ...] = ()
) -> None:
    """Run `python -m module *fixed *posargs` in the shared environment; `usage` means the
    session needs arguments and is shown when none are given."""
    if usage and not session.posargs:
        session.error(f"usage: nox -s {usage}")
    command = [str(ENV_PYTHON), "-m", module, *fixed, *session.posargs]
    code = subprocess.run(command, cwd=ROOT, check=False).returncode
    if code:
        session.error(f"{module.rsplit('.', 1)[-1]} stopped (exit code {code}); see the line above")


@nox.session(venv_backend="none", requires=["deps"])
def lint(session: nox.Session) -> None:
    """Ruff over the repository, mypy (strict) over grading/, import-linter over its rooms."""
    _lint(session)


def _lint(session: nox.Session) -> None:
    tools = ENV_PYTHON.parent
    session.run(str(tools / "ruff"), "check", ".", external=True)
    session.run(str(tools / "ruff"), "format", "--check", ".", external=True)
    session.run(str(tools / "mypy"), external=True)
    # grading's rooms: core imports neither learner nor proof, which never import each other.
    session.run(str(tools / "lint-imports"), "--no-cache", external=True)


@nox.session(venv_backend="none", requires=["deps"])
def verify(session: nox.Session) -> None:
    """The maintainers' proof: grading unit tests, every exercise's contract, lint."""
    code = _pytest(session, "grading/tests", "-q")
    _finish(session, code, "grading unit tests")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    checked = subprocess.run(
        [str(ENV_PYTHON), "-m", "grading.proof.verify", *session.posargs],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if checked.returncode != 0:
        session.error("verify found problems: see the table above")
    _lint(session)
