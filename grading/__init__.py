"""The grading layer, in three rooms named for who uses them (see CONTRIBUTING.md):

- `grading.core`: what every graded pytest run loads (catalogue, loader, plugin, scorecard).
- `grading.learner`: the tools behind the learner's nox sessions (timed, hint, progress, ...).
- `grading.proof`: the maintainers' evidence (verify, flakes, mutation).

Imports run one way: learner → core and proof → core, never core → either, never learner ↔
proof. `nox -s lint` checks that with import-linter (the contracts are in pyproject.toml).
"""
