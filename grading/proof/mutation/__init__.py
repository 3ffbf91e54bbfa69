"""`python -m grading.proof.mutation`: how many small bugs planted in each reference do its tests catch?

Each exercise's `.meta/solution.py` is copied to a temporary folder; cosmic-ray changes the copy
one small edit at a time (`<` to `<=`, `1` to `2`, `and` to `or`, a loop that never runs, ...)
and runs the exercise's tests against each mutant with `--impl <copy>`. A mutant is killed when a
test fails. With `--grading`, every grading module that has a unit-test module is mutated the
same way inside a copy of the repository. Nothing in the repository is ever modified.

Glossary:
- survivor: a mutant no test caught; it needs a test, or it is equivalent.
- equivalent: a mutant no test could catch, because it computes the same thing; listed with a
  one-line reason in benchmarks/mutation-equivalents.toml and left out of the score.
- score: killed / (killed + survivors that are not equivalent). Target: 90% per target.

cosmic-ray lives in its own environment (`nox -s mutation` installs it): pass --cosmic-ray PATH
or have `cosmic-ray` on PATH. The report goes to benchmarks/mutation.md. Exit code: 0 every
target met, 1 a target missed, 2 bad usage.

Usage: python -m grading.proof.mutation [--exercise PATH ...] [--grading] [--module FILE ...]
                                  [--sample N] [--sample-seed S] [--jobs N] [--sessions DIR]

Modules: cli.py (`main`), targets.py (what is mutated), campaign.py (running cosmic-ray),
selection.py (sample, annotations, given code), staleness.py (fingerprints, stale entries),
model.py (records) and report.py (scores and the markdown).
"""
