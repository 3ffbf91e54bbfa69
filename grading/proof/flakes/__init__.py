"""`python -m grading.proof.flakes`: does any verdict of `verify` depend on test order or machine load?

Runs verify's candidate matrix `--runs` times in a row, each run with the tests in a fresh
seeded random order (pytest-randomly), then with `--load` once more while a busy process
spins on every core, and compares what came back:

- per candidate, the verdicts seen across runs (verify's check plus the part lines the learner
  reads); a candidate with more than one is a flake, and the goal is none;
- per benchmark workload, the reference's and the naive baseline's verdicts (never flipping is
  the goal) and the range of their ratios to the reference.

A candidate whose run is still going after `--hang-after` seconds is stopped and recorded as
hung (verify has no overall limit and would wait forever). The markdown report goes to
benchmarks/flakes.md. Exit code: 0 all stable and passing, 1 a flake, a failing check or a
flipped benchmark verdict, 2 bad usage.

Usage: python -m grading.proof.flakes [--runs 20] [--load] [--exercise PATH] [--seed N] [--jobs N]
                                [--hang-after SECONDS] [--report FILE]


Modules: campaign.py (the runs and `main`), observations.py (what a run said), report.py
(the markdown).
"""
